import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { masterTemplate } from '../../demo/local/example-app-synth';
import { bundlePath, indexOfMessageId, invoke, loadBundledHandler, messageIdFor, toSqsRecord } from '../../demo/local/lambda-runner';
import { LocalMaster, startLocalMaster } from '../../demo/local/local-master';
import { complianceChangeEvent } from '../support/config-events';

const originalEnv = { ...process.env };
afterAll(() => { process.env = originalEnv; });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-runner-'));
let bundles = 0;
/** A one-file CommonJS bundle, as esbuild writes one, under a fresh name so that nothing is served from a module cache. */
function writeBundle(source: string): string {
  const file = path.join(dir, `bundle-${++bundles}.js`);
  fs.writeFileSync(file, source);
  return file;
}

describe('loading a bundle', () => {
  test('sets the environment before the bundle loads, so module-scope code sees it, with local credentials only', () => {
    process.env.AWS_PROFILE = 'a-developer-profile';
    process.env.AWS_SESSION_TOKEN = 'a-developer-session';
    const file = writeBundle(`
      const seen = { table: process.env.COMPLIANCE_TABLE_NAME, region: process.env.AWS_REGION, key: process.env.AWS_ACCESS_KEY_ID,
        profile: process.env.AWS_PROFILE, token: process.env.AWS_SESSION_TOKEN };
      exports.handler = async () => seen;`);

    const loaded = loadBundledHandler(file, { COMPLIANCE_TABLE_NAME: 'compliance' });

    return expect(loaded.handler({}, {})).resolves.toEqual({ table: 'compliance', region: 'us-east-1', key: 'local', profile: undefined, token: undefined });
  });

  test('reports how long the bundle took to load', () => {
    const file = writeBundle('const until = Date.now() + 30; while (Date.now() < until); exports.handler = async () => 1;');

    const loaded = loadBundledHandler(file, {});

    expect(loaded.loadMs).toBeGreaterThanOrEqual(25);
    expect(loaded.bundlePath).toBe(file);
  });

  test('fails when the bundle exports no handler function', () => {
    const file = writeBundle('exports.main = async () => 1;');

    expect(() => loadBundledHandler(file, {})).toThrow(`${file} exports no function 'handler'`);
  });
});

describe('invoking a bundle', () => {
  test('passes the SQS batch and a Lambda context, and maps batchItemFailures back to failed message ids', async () => {
    const loaded = loadBundledHandler(writeBundle(`
      exports.handler = async (event, context) => ({
        batchItemFailures: event.Records.filter((r) => r.body.includes('fail')).map((r) => ({ itemIdentifier: r.messageId })),
        functionName: context.functionName,
        remaining: context.getRemainingTimeInMillis(),
      });`), {});
    const event = { Records: [toSqsRecord('ok', 0), toSqsRecord('fail', 1), toSqsRecord('fail too', 2)] };

    const result = await invoke<{ functionName: string; remaining: number }>(loaded, event);

    expect(result.failedMessageIds.map(indexOfMessageId)).toEqual([1, 2]);
    expect(result.response.functionName).toBe('HandleConfigEvents');
    expect(result.response.remaining).toBeGreaterThan(59_000);
    expect(result.error).toBeUndefined();
  });

  test('a handler that throws fails every record of the batch, as Lambda does', async () => {
    const loaded = loadBundledHandler(writeBundle('exports.handler = async () => { throw new Error("table not found"); };'), {});

    const result = await invoke(loaded, { Records: [toSqsRecord('a', 7), toSqsRecord('b', 8)] });

    expect(result.error?.message).toBe('table not found');
    expect(result.failedMessageIds.map(indexOfMessageId)).toEqual([7, 8]);
  });

  test('captures what the handler writes to stdout and stderr instead of printing it', async () => {
    const loaded = loadBundledHandler(writeBundle(`
      exports.handler = async () => { process.stdout.write('{"_aws":{}}\\nsecond line\\n'); process.stderr.write('oops\\n'); return {}; };`), {});
    const stdout = jest.spyOn(process.stdout, 'write');

    const result = await invoke(loaded, { Records: [] }, { captureLogs: true });

    const printed = stdout.mock.calls.length;
    stdout.mockRestore();
    expect(result.logs).toEqual(['{"_aws":{}}', 'second line', 'oops']);
    expect(printed).toBe(0);
  });
});

describe('SQS records', () => {
  test('carry the body, its MD5 and the receive count; a string body is sent as it is', () => {
    const record = toSqsRecord('{not json', 41, 3);

    expect(record.body).toBe('{not json');
    expect(record.md5OfBody).toBe(createHash('md5').update('{not json').digest('hex'));
    expect(record.attributes.ApproximateReceiveCount).toBe('3');
    expect(record.eventSource).toBe('aws:sqs');
  });

  test('an event body is serialised, and the message id maps back to the delivery index', () => {
    const record = toSqsRecord({ id: 'e1' }, 1234);

    expect(JSON.parse(record.body)).toEqual({ id: 'e1' });
    expect(record.messageId).toBe(messageIdFor(1234));
    expect(indexOfMessageId(record.messageId)).toBe(1234);
  });
});

describe('the shipped HandleConfigEvents bundle, wired from the example app\'s master template', () => {
  const bundle = bundlePath('handle-config-events');
  let local: LocalMaster;
  beforeAll(async () => {
    if (!fs.existsSync(bundle)) throw new Error(`${bundle} is not built: run npx projen bundle first`);
    const master = masterTemplate(fs.mkdtempSync(path.join(os.tmpdir(), 'example-app-')));
    local = await startLocalMaster({ template: master.template, bundle, measureCapacity: true });
  });
  afterAll(() => local?.close());

  test('reaches DynamoDB, SNS (after a throttle its SDK retries) and the SQS dead-letter queue through AWS_ENDPOINT_URL_* only', async () => {
    const event = complianceChangeEvent({
      id: 'e1',
      account: '222222222222',
      region: 'eu-west-1',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-2',
      rule: 'restricted-ssh',
      status: 'NON_COMPLIANT',
      recordedAt: '2026-01-01T00:00:00.000Z',
    });
    local.recording.failNext(1, 'throttle', 'sns');

    const result = await invoke(local.loaded, { Records: [toSqsRecord(event, 0), toSqsRecord(event, 1), toSqsRecord('{not json', 2)] }, { captureLogs: true });

    expect(result.failedMessageIds).toEqual([]);
    expect(local.recording.calls.filter((c) => c.service === 'sns').map((c) => c.outcome)).toEqual(['throttle', 'ok']);
    const [notification] = local.recording.published();
    expect(local.recording.published()).toHaveLength(1);
    expect(notification.MessageAttributes.compliance_status.StringValue).toBe('NON_COMPLIANT');
    expect(notification.MessageAttributes.previous_status.StringValue).toBe('NONE');
    const deadLettered = local.recording.sent();
    expect(deadLettered.map((m) => indexOfMessageId(m.MessageAttributes.source_message_id.StringValue!))).toEqual([2]);
    const client = local.db.client();
    const items = (await client.send(new ScanCommand({ TableName: local.environment.COMPLIANCE_TABLE_NAME }))).Items!;
    client.destroy();
    expect(items.map((i) => i.compliance_status?.S)).toContain('NON_COMPLIANT');
    expect(local.capacity!.report().writes.writes).toBeGreaterThan(0);
  });
});
