/**
 * Proves the local stand-ins behave like the services they replace, with the real SDK clients:
 *
 * 1. dynamodb-from-template: tables from a synthesized TableV2/Table template (keys, GSI projection, TTL).
 * 2. recording-endpoint: SNS Publish/PublishBatch and SQS SendMessage/SendMessageBatch through
 *    @aws-sdk/client-sns and @aws-sdk/client-sqs (the SQS client validates the body MD5), and injected
 *    throttling / 5xx that the SDK retries.
 * 3. capacity-proxy: billed units equal bench/billing.ts computed by hand for known writes.
 * 4. lambda-runner: a probe handler bundled by esbuild like the real one, pointed at the stand-ins only
 *    through AWS_ENDPOINT_URL_*; plus the shipped handler bundle, when present.
 *
 * Run: npx ts-node --transpile-only --project test/tsconfig.json demo/local/self-check.ts
 * Exits non-zero on the first failed check.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConditionalCheckFailedException, DescribeTableCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { startCapacityProxy } from './capacity-proxy';
import { LOCAL_CREDENTIALS, startDynamoDbFromTemplate } from './dynamodb-from-template';
import { bundlePath, invoke, loadBundledHandler, toSqsEvent } from './lambda-runner';
import { localQueueUrl, md5Hex, startRecordingEndpoint } from './recording-endpoint';
import { billedWriteUnits } from '../../bench/billing';

const region = 'us-east-1';
const checks: string[] = [];
function ok(what: string) {
  checks.push(what);
  console.log(`  ✓ ${what}`);
}

/** A template with the contract's tables (TableV2, no names) and a seed-style Table (named). */
function synthTemplate() {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'selfcheck-cdk-')) });
  const stack = new Stack(app, 'SelfCheck');
  const compliance = new dynamodb.TableV2(stack, 'ComplianceTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  compliance.addGlobalSecondaryIndex({
    indexName: 'ConfigCompliance-Index',
    partitionKey: { name: 'status_shard', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'status_sort', type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.INCLUDE,
    nonKeyAttributes: ['account', 'region', 'resource_id', 'resource_type', 'config_rule_name', 'compliance_status', 'last_evaluated'],
  });
  new dynamodb.TableV2(stack, 'EventsTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'expires_at',
  });
  const seed = new dynamodb.Table(stack, 'SeedTable', {
    tableName: 'ConfigCompliance',
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  seed.addGlobalSecondaryIndex({ indexName: 'ConfigCompliance-Index', partitionKey: { name: 'compliance_status', type: dynamodb.AttributeType.STRING } });
  return app.synth().getStackByName('SelfCheck').template;
}

async function main() {
  console.log('1. dynamodb-from-template');
  const template = synthTemplate();
  const db = await startDynamoDbFromTemplate(template);
  try {
    const logical = [...db.tables.keys()];
    assert.strictEqual(logical.length, 3, `three tables, got ${logical}`);
    const complianceId = logical.find((l) => l.startsWith('ComplianceTable'))!;
    const eventsId = logical.find((l) => l.startsWith('EventsTable'))!;
    assert.strictEqual(db.tables.get(logical.find((l) => l.startsWith('SeedTable'))!), 'ConfigCompliance', 'a declared TableName is kept');
    assert.strictEqual(db.tables.get(complianceId), complianceId, 'an unnamed TableV2 is named after its logical id');
    assert.strictEqual(db.details.get(eventsId)!.ttlAttribute, 'expires_at');
    const client = db.client();
    const desc = (await client.send(new DescribeTableCommand({ TableName: db.tables.get(complianceId) }))).Table!;
    assert.strictEqual(desc.GlobalSecondaryIndexes![0].Projection!.ProjectionType, 'INCLUDE');
    assert.strictEqual(desc.GlobalSecondaryIndexes![0].Projection!.NonKeyAttributes!.length, 7);
    assert.strictEqual(desc.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    ok(`tables ${[...db.tables.values()].join(', ')} created from TableV2 + Table; GSI projection and TTL attribute read`);

    console.log('2. recording-endpoint with the real SNS and SQS clients');
    const rec = await startRecordingEndpoint();
    const sns = new SNSClient({ endpoint: rec.endpoint, region, credentials: LOCAL_CREDENTIALS });
    const sqs = new SQSClient({ endpoint: rec.endpoint, region, credentials: LOCAL_CREDENTIALS });
    try {
      const topic = 'arn:aws:sns:us-east-1:111111111111:ComplianceNotifications';
      const queue = 'https://sqs.us-east-1.amazonaws.com/111111111111/ConfigEventsDlq';
      const p = await sns.send(new PublishCommand({
        TopicArn: topic,
        Subject: 'sg-1 is NON_COMPLIANT',
        Message: JSON.stringify({ hello: 'wörld & <xml>' }),
        MessageAttributes: {
          compliance_status: { DataType: 'String', StringValue: 'NON_COMPLIANT' },
          previous_status: { DataType: 'String', StringValue: 'NONE' },
        },
      }));
      assert.ok(p.MessageId, 'Publish returns a MessageId');
      const [pub] = rec.published();
      assert.deepStrictEqual(pub.MessageAttributes.compliance_status, { DataType: 'String', StringValue: 'NON_COMPLIANT' });
      assert.strictEqual(JSON.parse(pub.Message).hello, 'wörld & <xml>');
      assert.strictEqual(pub.Subject, 'sg-1 is NON_COMPLIANT');
      ok('SNS Publish: XML reply parsed by the SDK; message, subject and attributes recorded');

      const pb = await sns.send(new PublishBatchCommand({ TopicArn: topic, PublishBatchRequestEntries: [{ Id: 'a', Message: 'one' }, { Id: 'b', Message: 'two' }] }));
      assert.strictEqual(pb.Successful!.length, 2);
      ok('SNS PublishBatch answered');

      const body = JSON.stringify({ id: 'ü-1', detail: {} });
      const s = await sqs.send(new SendMessageCommand({
        QueueUrl: queue,
        MessageBody: body,
        MessageAttributes: { reason: { DataType: 'String', StringValue: 'malformed' }, source_message_id: { DataType: 'String', StringValue: 'm-1' } },
      }));
      assert.strictEqual(s.MD5OfMessageBody, md5Hex(body));
      assert.ok(s.MD5OfMessageAttributes);
      const sent = rec.sent();
      assert.strictEqual(sent[0].MessageAttributes.reason.StringValue, 'malformed');
      ok('SQS SendMessage (JSON protocol): the SDK accepted our MD5OfMessageBody; attributes recorded');

      // A wrong MD5 must be caught by the SDK, or our check above proves nothing.
      const sqsStrict = new SQSClient({ endpoint: rec.endpoint, region, credentials: LOCAL_CREDENTIALS });
      sqsStrict.middlewareStack.add((next) => async (args) => {
        const r: any = await next(args);
        r.output.MD5OfMessageBody = '0'.repeat(32);
        return r;
      }, { step: 'deserialize', priority: 'low', name: 'corruptMd5' });
      await assert.rejects(sqsStrict.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'x' })), /MD5/);
      sqsStrict.destroy();
      ok('the SQS client does validate MD5OfMessageBody (a wrong one is rejected)');

      const b = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue, Entries: [{ Id: '1', MessageBody: 'a' }, { Id: '2', MessageBody: 'b' }] }));
      assert.strictEqual(b.Successful!.length, 2);
      assert.strictEqual(rec.sent().length, 4, 'two SendMessage (the server accepted the one whose reply we corrupted) plus two batch entries');
      ok('SQS SendMessageBatch answered with per-entry MD5s');

      rec.reset();
      rec.failNext(1, 'throttle', 'sns');
      rec.failNext(1, 'server-error', 'sqs');
      await sns.send(new PublishCommand({ TopicArn: topic, Message: 'retried' }));
      await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'retried' }));
      assert.deepStrictEqual(rec.calls.map((c) => `${c.service}:${c.outcome}`), ['sns:throttle', 'sns:ok', 'sqs:server-error', 'sqs:ok']);
      rec.failNext(1, 'throttle', 'sqs');
      await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'retried' }));
      ok('injected throttles (SNS, SQS) and a 500 (SQS) are retried by the SDK and succeed');

      rec.failNext(3, 'throttle', 'sqs');
      await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: 'x' })), (e: any) => e.name === 'RequestThrottled' && e.$metadata.attempts === 3);
      rec.failNext(3, 'throttle', 'sns');
      await assert.rejects(sns.send(new PublishCommand({ TopicArn: topic, Message: 'x' })), (e: any) => e.name === 'Throttling' && e.$metadata.attempts === 3);
      assert.strictEqual(rec.calls.filter((c) => c.outcome === 'throttle').length, 2 + 3 + 3, 'every injected failure was consumed by a retry');
      ok('three injected throttles exhaust the SDK default of 3 attempts and surface as throttling errors');
    } finally {
      sns.destroy();
      sqs.destroy();
    }

    console.log('3. capacity-proxy');
    const proxy = await startCapacityProxy(db.endpoint);
    const viaProxy = new DynamoDBClient({ endpoint: proxy.endpoint, region, credentials: LOCAL_CREDENTIALS });
    try {
      const table = db.tables.get(complianceId)!;
      const spec = {
        keyAttributes: ['pk', 'sk'],
        indexes: [{
          name: 'ConfigCompliance-Index',
          keyAttributes: ['status_shard', 'status_sort'],
          projection: 'INCLUDE' as const,
          nonKeyAttributes: ['account', 'region', 'resource_id', 'resource_type', 'config_rule_name', 'compliance_status', 'last_evaluated'],
        }],
      };
      const item = (status: string, t: number) => ({
        pk: { S: '222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-1' },
        sk: { S: 'RULE#restricted-ssh' },
        compliance_status: { S: status },
        evaluated_at_ms: { N: String(t) },
        status_shard: { S: `${status}#07` },
        status_sort: { S: 'AWS::EC2::SecurityGroup#222222222222#eu-west-1#sg-1#restricted-ssh' },
        compliance_details: { S: 'x'.repeat(1500) },
      });
      const newer = (status: string, t: number) => new PutItemCommand({
        TableName: table,
        Item: item(status, t),
        ConditionExpression: 'attribute_not_exists(pk) OR evaluated_at_ms < :t',
        ExpressionAttributeValues: { ':t': { N: String(t) } },
      });
      const r1 = await viaProxy.send(newer('NON_COMPLIANT', 1000));
      assert.strictEqual(r1.ConsumedCapacity, undefined, 'the proxy strips ConsumedCapacity the caller did not ask for');
      await viaProxy.send(newer('COMPLIANT', 2000));
      await assert.rejects(viaProxy.send(newer('NON_COMPLIANT', 1500)), ConditionalCheckFailedException);
      await viaProxy.send(new UpdateItemCommand({ TableName: table, Key: { pk: item('x', 0).pk, sk: item('x', 0).sk }, UpdateExpression: 'SET note = :n', ExpressionAttributeValues: { ':n': { S: 'n' } } }));
      const expected = [
        billedWriteUnits(spec, undefined, item('NON_COMPLIANT', 1000)).total, // 2 table + 1 index
        billedWriteUnits(spec, item('NON_COMPLIANT', 1000), item('COMPLIANT', 2000)).total, // 2 + 2 (key change)
        billedWriteUnits(spec, item('COMPLIANT', 2000), undefined, { conditionFailed: true }).total, // 2 (existing item is 1.5 KB)
        2, // update of an unprojected attribute: table only
      ];
      const r = proxy.report();
      assert.deepStrictEqual([r.writes.writes, r.writes.conditionFailures], [4, 1]);
      assert.strictEqual(r.writes.totalUnits, expected.reduce((a, b) => a + b, 0), JSON.stringify(r.writes));
      assert.strictEqual(r.tableUnitMismatches, 0, 'dynalite table units agree with ours');
      ok(`proxy billed ${r.writes.tableUnits} table + ${r.writes.indexUnits} index units for 4 writes (1 failed condition), as computed by hand`);
    } finally {
      viaProxy.destroy();
    }

    console.log('4. lambda-runner');
    const outDir = path.join('demo', 'out', 'probe');
    fs.mkdirSync(outDir, { recursive: true });
    execFileSync('npx', ['esbuild', '--bundle', 'demo/local/probe-handler.ts', '--target=node24', '--platform=node', '--log-level=warning', `--outfile=${outDir}/index.js`], { stdio: 'inherit' });
    rec.reset();
    proxy.reset();
    const loaded = loadBundledHandler(path.join(outDir, 'index.js'), {
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_ENDPOINT_URL_SNS: rec.endpoint,
      AWS_ENDPOINT_URL_SQS: rec.endpoint,
      COMPLIANCE_TABLE_NAME: db.tables.get(complianceId)!,
      EVENTS_TABLE_NAME: db.tables.get(eventsId)!,
      NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:ComplianceNotifications',
      // A queue URL on the recording endpoint: with AWS_ENDPOINT_URL_SQS the SQS client sends to the QueueUrl's host.
      DEAD_LETTER_QUEUE_URL: localQueueUrl(rec.endpoint, 'ConfigEventsDlq'),
      HISTORY_RETENTION_DAYS: '90',
    });
    const ev = (id: string, status: string, at: string) => ({
      'version': '0',
      id,
      'detail-type': 'Config Rules Compliance Change',
      'source': 'aws.config',
      'account': '222222222222',
      'time': at,
      'region': 'eu-west-1',
      'resources': [],
      'detail': {
        awsAccountId: '222222222222',
        awsRegion: 'eu-west-1',
        configRuleName: 'restricted-ssh',
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: 'sg-2',
        newEvaluationResult: { complianceType: status, resultRecordedTime: at },
      },
    });
    rec.failNext(1, 'throttle', 'sns'); // the bundle's SDK must retry this itself
    const res = await invoke(loaded, toSqsEvent([ev('e1', 'NON_COMPLIANT', '2026-01-01T00:00:00.000Z'), ev('e1', 'NON_COMPLIANT', '2026-01-01T00:00:00.000Z'), '{not json'], 0), { captureLogs: true });
    assert.deepStrictEqual(res.failedMessageIds, [], res.logs.join('\n'));
    assert.strictEqual(rec.published().length, 1, 'one notification for the transition, none for the duplicate');
    assert.strictEqual(rec.sent().length, 1, 'the malformed record went to the DLQ');
    assert.strictEqual(rec.sent()[0].MessageAttributes.source_message_id.StringValue, toSqsEvent(['', '', ''], 0).Records[2].messageId);
    const pr = proxy.report();
    assert.deepStrictEqual([pr.writes.writes, pr.writes.conditionFailures], [2, 1]);
    ok(`probe bundle (${(fs.statSync(path.join(outDir, 'index.js')).size / 1024).toFixed(0)} KB, loaded in ${loaded.loadMs.toFixed(0)} ms) `
      + `reached dynalite via the proxy, SNS (after a retried throttle) and the SQS DLQ through AWS_ENDPOINT_URL_* only; ran in ${res.durationMs.toFixed(0)} ms`);

    const shipped = bundlePath('handle-config-events');
    if (fs.existsSync(shipped)) {
      const real = loadBundledHandler(shipped, {});
      const r = await invoke(real, toSqsEvent([], 0), { captureLogs: true });
      ok(`shipped bundle ${path.relative(process.cwd(), shipped)} loads (${real.loadMs.toFixed(0)} ms) and answers an empty batch: ${JSON.stringify(r.response ?? null)}${r.error ? ` (threw: ${r.error.message})` : ''}`);
    } else {
      console.log(`  - ${shipped} not built yet (npx projen bundle): skipped`);
    }

    await proxy.close();
    await rec.close();
  } finally {
    await db.close();
  }
  console.log(`\nall ${checks.length} checks passed`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
