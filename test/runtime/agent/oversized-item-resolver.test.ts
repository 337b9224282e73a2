import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { DELIVERY_BUCKET, objectBody, oversizedDeliveryFailed, oversizedInventory, oversizedResolvable } from './agent-samples';
import { OversizedItemResolver } from '../../../src/runtime/agent/oversized-item-resolver';
import { Logger } from '../../../src/runtime/observability/logger';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());
afterAll(() => s3.restore());

const logLines: string[] = [];
const resolver = (bucket: string | null = DELIVERY_BUCKET) =>
  new OversizedItemResolver(new S3Client({ region: 'us-east-2' }), bucket ?? undefined, new Logger('DEBUG', (line) => logLines.push(line)));

describe('OversizedItemResolver', () => {
  test('reads the gzipped notification from the delivery bucket and returns it as a full item change', async () => {
    const { event, bucket, key, object, message } = oversizedResolvable();
    s3.on(GetObjectCommand, { Bucket: bucket, Key: key }).resolves({ Body: objectBody(object) });

    const resolution = await resolver().resolve(event.detail);

    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: DELIVERY_BUCKET, Key: key }]);
    expect(resolution).toEqual({ resolved: true, detail: message, tags: { Name: 'value' } });
  });

  test('accepts an uncompressed object and a bare configuration item', async () => {
    const { event, message } = oversizedResolvable();
    s3.on(GetObjectCommand).resolves({ Body: objectBody(Buffer.from(JSON.stringify(message.configurationItem))) });

    const resolution = await resolver().resolve(event.detail);

    expect(resolution.resolved && resolution.detail).toEqual({
      configurationItemDiff: null,
      notificationCreationTime: message.notificationCreationTime,
      recordVersion: '1.0',
      configurationItem: message.configurationItem,
      messageType: 'ConfigurationItemChangeNotification',
    });
  });

  test('leaves the delivery-failed shape (s3BucketLocation null) as it is, without calling S3', async () => {
    expect(await resolver().resolve(oversizedDeliveryFailed().detail)).toEqual({ resolved: false, reason: 'delivery-failed' });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  test('never reads a bucket other than the configured one, nor without one', async () => {
    expect(await resolver().resolve(oversizedInventory().detail)).toEqual({ resolved: false, reason: 'other-bucket' });
    expect(await resolver(null).resolve(oversizedResolvable().event.detail)).toEqual({ resolved: false, reason: 'no-bucket-configured' });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  test('never reads a key outside the oversized-notification layout', async () => {
    const detail = oversizedInventory().detail;
    expect(await resolver('bucket').resolve(detail)).toEqual({ resolved: false, reason: 'not-an-oversized-notification-key' });
  });

  test('keeps the summary when the object cannot be read', async () => {
    const { event } = oversizedResolvable();
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));

    expect(await resolver().resolve(event.detail)).toEqual({ resolved: false, reason: 'object-unreadable' });
    expect(logLines.some((line) => line.includes('Access Denied'))).toBe(true);
  });

  test('keeps the summary when the object describes another item', async () => {
    const { event, message } = oversizedResolvable();
    message.configurationItem.resourceId = 'i-someoneelse';
    s3.on(GetObjectCommand).resolves({ Body: objectBody(Buffer.from(JSON.stringify(message))) });

    expect(await resolver().resolve(event.detail)).toEqual({ resolved: false, reason: 'object-mismatch' });
  });
});
