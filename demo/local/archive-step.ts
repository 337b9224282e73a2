/**
 * The demo's archive step: expiring history items as DynamoDB Streams delivers their TTL removals (eventName REMOVE,
 * userIdentity dynamodb.amazonaws.com, OLD_IMAGE), through the shipped ArchiveHistory bundle with the environment its
 * function has in the master's template. S3 and the dead-letter queue are the recording endpoint: the bundle's S3
 * client is created with `new S3Client({})`, so AWS_ENDPOINT_URL_S3 reaches it, and an IP-address endpoint makes the
 * SDK address the bucket path-style.
 *
 * Stream record shape as in test/runtime/archive/ttl-removal-records.ts (copied, not imported: demo code does not
 * depend on tests), after https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html and
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html.
 */
import { gunzipSync } from 'zlib';
import { marshall } from '@aws-sdk/util-dynamodb';
import { CfnTemplate } from './dynamodb-from-template';
import { resolveHandlerEnvironment } from './handler-environment';
import { invoke, loadBundledHandler } from './lambda-runner';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-aws';
import { RecordingEndpoint } from './recording-endpoint';

/** A TTL removal of `item` (the n-th of the run), as Lambda receives it from the events table's stream. */
export function ttlRemovalRecord(item: Record<string, unknown>, n: number, eventsTable: string): Record<string, unknown> {
  const oldImage = marshall(item, { removeUndefinedValues: true });
  return {
    eventID: `c4ca4238a0b923820dcc509a6f7${String(n).padStart(5, '0')}`,
    eventName: 'REMOVE',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    dynamodb: {
      // TTL deletes within a few days of expiry; the record's time is the deletion's.
      ApproximateCreationDateTime: Number(item.expires_at ?? 0) + 3_600,
      Keys: marshall({ pk: item.pk, sk: item.sk }),
      OldImage: oldImage,
      SequenceNumber: `${4421584500000000017450439091n + BigInt(n) * 100n}`,
      SizeBytes: JSON.stringify(oldImage).length,
      StreamViewType: 'OLD_IMAGE',
    },
    eventSourceARN: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${eventsTable}/stream/2026-11-01T00:00:00.000`,
    userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
  };
}

export interface ArchiveStep {
  readonly template: CfnTemplate;
  readonly bundle: string;
  readonly recording: RecordingEndpoint;
  readonly eventsTable: string;
  readonly items: readonly Record<string, unknown>[];
}

/** Runs the items' TTL removals through the archive bundle; prints the objects written. @returns their keys. */
export async function runArchiveStep(step: ArchiveStep): Promise<string[]> {
  const resources = step.template.Resources ?? {};
  const fn = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.ARCHIVE_BUCKET_NAME);
  if (!fn) throw new Error('the master template has no function with ARCHIVE_BUCKET_NAME (is the history archive enabled in demo/example-app.ts?)');
  const { ARCHIVE_BUCKET_NAME: bucketRef, ...rest } = fn[1].Properties?.Environment?.Variables as Record<string, unknown>;
  const bucketId = (bucketRef as { Ref?: string }).Ref;
  const bucket = typeof bucketRef === 'string' ? bucketRef : `${String(bucketId).toLowerCase()}-${LOCAL_ACCOUNT}`;
  const environment = {
    ARCHIVE_BUCKET_NAME: bucket,
    ...resolveHandlerEnvironment(step.template, rest, { tables: new Map(), recordingEndpoint: step.recording.endpoint }),
  };
  console.log(`  function ${fn[0]}: ${Object.entries(environment).map(([k, v]) => `${k}=${v}`).join(' ')}`);

  const saved = { ...process.env };
  const before = step.recording.objects().length;
  try {
    const loaded = loadBundledHandler(step.bundle, {
      ...environment,
      AWS_LAMBDA_FUNCTION_NAME: 'ArchiveHistory',
      AWS_ENDPOINT_URL_S3: step.recording.endpoint,
      AWS_ENDPOINT_URL_SQS: step.recording.endpoint,
    });
    const records = step.items.map((item, n) => ttlRemovalRecord(item, n + 1, step.eventsTable));
    records.forEach((_record, n) => console.log(`    ${n + 1}. REMOVE by dynamodb.amazonaws.com (TTL) of ${step.items[n].pk} ${step.items[n].sk}`));
    const r = await invoke<{ batchItemFailures: unknown[] }>(loaded, { Records: records }, { captureLogs: true });
    if (r.error) console.log(`    the function threw: ${r.error.message}`);
    else console.log(`    → ${r.durationMs.toFixed(0)} ms; batchItemFailures ${JSON.stringify(r.response.batchItemFailures)}`);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  const objects = step.recording.objects().slice(before);
  for (const o of objects) {
    const text = (o.ContentEncoding === 'gzip' ? gunzipSync(o.Body) : o.Body).toString('utf8');
    const lines = text.split('\n').filter((l) => l.length > 0).length;
    console.log(`  s3://${o.Bucket}/${o.Key}  ${lines} line${lines === 1 ? '' : 's'} (${o.Body.length} bytes, ${o.ContentType ?? '?'}, ${o.ContentEncoding ?? 'identity'})`);
  }
  if (objects.length === 0) console.log('  (no object written)');
  return objects.map((o) => o.Key);
}
