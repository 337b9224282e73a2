import { gunzipSync } from 'zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

/** A bucket's objects behind a mocked S3Client: PutObject replaces the object of the same key, as S3 does. */
export class InMemoryS3 {
  readonly objects = new Map<string, Buffer>();
  readonly puts: string[] = [];
  /** Keys whose next PutObject fails (an S3 500), once each. */
  readonly failNext = new Set<string>();
  readonly mock = mockClient(S3Client);
  /** Every PutObject fails while set (S3 unavailable). */
  failAll = false;

  constructor() {
    this.mock.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: Buffer }) => {
      if (this.failNext.delete(input.Key) || this.failAll) {
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      }
      this.puts.push(input.Key);
      this.objects.set(input.Key, Buffer.from(input.Body));
      return { ETag: '"d41d8cd98f00b204e9800998ecf8427e"', VersionId: `v${this.puts.length}` };
    });
  }

  /** The JSON lines of every object, in key order. */
  lines(): { key: string; item: Record<string, unknown> }[] {
    return [...this.objects.keys()].sort().flatMap((key) => gunzipSync(this.objects.get(key)!).toString('utf-8')
      .split('\n').filter((line) => line !== '').map((line) => ({ key, item: JSON.parse(line) as Record<string, unknown> })));
  }

  restore(): void {
    this.mock.restore();
  }
}
