import { gunzipSync, gzipSync } from 'zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../demo/local/local-aws';
import { decodeAwsChunked, RecordingEndpoint, startRecordingEndpoint } from '../../demo/local/recording-endpoint';

// The real S3 client against the stand-in: an IP-address endpoint makes it address the bucket path-style.
let rec: RecordingEndpoint;
let s3: S3Client;
beforeAll(async () => {
  rec = await startRecordingEndpoint();
  s3 = new S3Client({ endpoint: rec.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
});
beforeEach(() => rec.reset());
afterAll(async () => {
  s3.destroy();
  await rec.close();
});

describe('S3 (REST, path-style PutObject)', () => {
  test('PutObject records bucket, key, the bytes as sent and the headers, and the SDK accepts the reply', async () => {
    const body = gzipSync('{"a":1}\n{"b":2}\n');

    const reply = await s3.send(new PutObjectCommand({
      Bucket: 'archive-bucket',
      Key: 'history/dt=2026-11-26/account=222222222222/17.json.gz',
      Body: body,
      ContentType: 'application/x-ndjson',
      ContentEncoding: 'gzip',
    }));

    expect(reply.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const [object] = rec.objects();
    expect(object).toMatchObject({
      Bucket: 'archive-bucket',
      Key: 'history/dt=2026-11-26/account=222222222222/17.json.gz',
      ContentType: 'application/x-ndjson',
      ContentEncoding: 'gzip',
    });
    expect(gunzipSync(object.Body).toString('utf8')).toBe('{"a":1}\n{"b":2}\n');
  });

  test('an injected throttle (SlowDown) is retried by the SDK and the object still lands once', async () => {
    rec.failNext(1, 'throttle', 's3');

    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k.json', Body: 'x' }));

    expect(rec.calls.map((c) => c.outcome)).toEqual(['throttle', 'ok']);
    expect(rec.objects()).toHaveLength(1);
  });
});

describe('decodeAwsChunked', () => {
  test('joins the chunks and drops signatures and the trailer', () => {
    const raw = Buffer.from('5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');

    expect(decodeAwsChunked(raw).toString('utf8')).toBe('hello world');
  });
});
