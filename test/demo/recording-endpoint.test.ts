import { ListTopicsCommand, PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../demo/local/local-aws';
import { localQueueUrl, md5Hex, md5OfMessageAttributes, RecordingEndpoint, startRecordingEndpoint } from '../../demo/local/recording-endpoint';

// The real SDK clients against the stand-in: they serialise, parse, validate and retry as they do in Lambda.
const TOPIC = 'arn:aws:sns:us-east-1:111111111111:ComplianceNotifications';

let rec: RecordingEndpoint;
let sns: SNSClient;
let sqs: SQSClient;
let queue: string;
beforeAll(async () => {
  rec = await startRecordingEndpoint();
  sns = new SNSClient({ endpoint: rec.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  sqs = new SQSClient({ endpoint: rec.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  queue = localQueueUrl(rec.endpoint, 'ConfigEventsDlq');
});
beforeEach(() => rec.reset());
afterAll(async () => {
  sns.destroy();
  sqs.destroy();
  await rec.close();
});

describe('SNS (query protocol, XML replies)', () => {
  test('Publish records the message, subject and attributes and answers with a MessageId the SDK parses', async () => {
    const message = {
      TopicArn: TOPIC,
      Subject: 'sg-1 is NON_COMPLIANT',
      Message: JSON.stringify({ hello: 'wörld & <xml>' }),
      MessageAttributes: {
        compliance_status: { DataType: 'String', StringValue: 'NON_COMPLIANT' },
        previous_status: { DataType: 'String', StringValue: 'NONE' },
      },
    };

    const reply = await sns.send(new PublishCommand(message));

    expect(reply.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(rec.published()).toEqual([message]);
  });

  test('PublishBatch answers every entry as successful and records each one as a message', async () => {
    const reply = await sns.send(new PublishBatchCommand({
      TopicArn: TOPIC,
      PublishBatchRequestEntries: [{ Id: 'a', Message: 'one' }, { Id: 'b', Message: 'two' }],
    }));

    expect(reply.Successful!.map((s) => s.Id)).toEqual(['a', 'b']);
    expect(reply.Failed).toEqual([]);
    expect(rec.published().map((m) => m.Message)).toEqual(['one', 'two']);
  });

  test('an action the stand-in does not implement fails and is recorded as unsupported', async () => {
    const list = sns.send(new ListTopicsCommand({}));

    await expect(list).rejects.toMatchObject({ name: 'InvalidAction' });

    expect(rec.calls.map((c) => [c.action, c.outcome])).toEqual([['ListTopics', 'unsupported']]);
    expect(rec.published()).toEqual([]);
  });
});

describe('SQS (JSON protocol)', () => {
  test('SendMessage answers with the body MD5 the SDK checks, and records body and attributes', async () => {
    const body = JSON.stringify({ id: 'ü-1', detail: {} });
    const attributes = {
      reason: { DataType: 'String', StringValue: 'malformed' },
      source_message_id: { DataType: 'String', StringValue: 'm-1' },
    };

    const reply = await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: body, MessageAttributes: attributes }));

    expect(reply.MD5OfMessageBody).toBe(md5Hex(body));
    expect(reply.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes));
    expect(rec.sent()).toEqual([{ QueueUrl: queue, MessageBody: body, MessageAttributes: attributes }]);
  });

  test('the SDK rejects a reply whose MD5OfMessageBody is wrong, so the check above is a real one', async () => {
    const strict = new SQSClient({ endpoint: rec.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    strict.middlewareStack.add((next) => async (args) => {
      const result: any = await next(args);
      result.output.MD5OfMessageBody = '0'.repeat(32);
      return result;
    }, { step: 'deserialize', priority: 'low', name: 'corruptMd5' });

    const sent = strict.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'x' }));

    await expect(sent).rejects.toThrow(/MD5/);
    strict.destroy();
  });

  test('SendMessageBatch answers every entry with its own MD5 and records every entry with the queue URL', async () => {
    const reply = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue, Entries: [{ Id: '1', MessageBody: 'a' }, { Id: '2', MessageBody: 'b' }] }));

    expect(reply.Successful!.map((s) => [s.Id, s.MD5OfMessageBody])).toEqual([['1', md5Hex('a')], ['2', md5Hex('b')]]);
    expect(rec.sent()).toEqual([
      { QueueUrl: queue, Id: '1', MessageBody: 'a', MessageAttributes: {} },
      { QueueUrl: queue, Id: '2', MessageBody: 'b', MessageAttributes: {} },
    ]);
  });

  test('MD5OfMessageAttributes follows SQS: independent of attribute order, changed by any value', () => {
    const a = { DataType: 'String', StringValue: 'x' };
    const b = { DataType: 'Number', StringValue: '1' };

    const forward = md5OfMessageAttributes({ a, b });
    const backward = md5OfMessageAttributes({ b, a });
    const changed = md5OfMessageAttributes({ a, b: { ...b, StringValue: '2' } });

    expect(forward).toMatch(/^[0-9a-f]{32}$/);
    expect(backward).toBe(forward);
    expect(changed).not.toBe(forward);
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});

describe('failure injection', () => {
  test('one injected throttle or 500 per service is retried by the SDK, and the call succeeds', async () => {
    rec.failNext(1, 'throttle', 'sns');
    rec.failNext(1, 'server-error', 'sqs');
    rec.failNext(1, 'throttle', 'sqs');

    await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'retried' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'retried' }));

    expect(rec.calls.map((c) => `${c.service}:${c.outcome}`)).toEqual(['sns:throttle', 'sns:ok', 'sqs:server-error', 'sqs:throttle', 'sqs:ok']);
    expect(rec.published()).toHaveLength(1);
    expect(rec.sent()).toHaveLength(1);
  });

  test('SNS throttles carry the Throttling code: three exhaust the default 3 attempts', async () => {
    rec.failNext(3, 'throttle', 'sns');

    const publish = sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' }));

    await expect(publish).rejects.toMatchObject({ name: 'Throttling', $metadata: { attempts: 3, httpStatusCode: 400 } });
    expect(rec.calls.map((c) => c.outcome)).toEqual(['throttle', 'throttle', 'throttle']);
  });

  test('SQS throttles carry the query-compatible RequestThrottled code: three exhaust the default 3 attempts', async () => {
    rec.failNext(3, 'throttle', 'sqs');

    const send = sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'x' }));

    await expect(send).rejects.toMatchObject({ name: 'RequestThrottled', $metadata: { attempts: 3, httpStatusCode: 403 } });
    expect(rec.sent()).toEqual([]);
  });

  test('a failure armed for one service leaves the other service alone', async () => {
    rec.failNext(1, 'throttle', 'sqs');

    await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: 'untouched' }));

    expect(rec.calls.map((c) => `${c.service}:${c.outcome}`)).toEqual(['sns:ok']);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'drains the armed failure' }));
    expect(rec.calls.map((c) => `${c.service}:${c.outcome}`)).toEqual(['sns:ok', 'sqs:throttle', 'sqs:ok']);
  });
});
