import { gzipSync } from 'zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ArchivedItem, ArchiveSink, UnarchivableSink } from './archive-history';

/** JSON Lines, gzipped: what Athena's JSON SerDe (and Spark, Trino, DuckDB) read directly, by the `.gz` suffix. */
export function encodeArchive(items: readonly ArchivedItem[]): Buffer {
  return gzipSync(items.map((item) => JSON.stringify(item)).join('\n') + '\n');
}

/** Writes archive objects to the archive bucket with a plain PutObject: same key, same object, replaced. */
export class S3ArchiveSink implements ArchiveSink {
  constructor(private readonly client: S3Client, private readonly bucket: string) {}

  async put(key: string, items: readonly ArchivedItem[]): Promise<void> {
    await this.client.send(new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: encodeArchive(items),
      ContentType: 'application/x-ndjson',
      ContentEncoding: 'gzip',
    }));
  }
}

/** Sends a record that can never be archived, whole, to the dead-letter queue with its reason. */
export class SqsUnarchivableSink implements UnarchivableSink {
  constructor(private readonly client: SQSClient, private readonly queueUrl: string) {}

  async send(record: DynamoDBRecord, reason: string): Promise<void> {
    await this.client.send(new SendMessageCommand({
      QueueUrl: this.queueUrl,
      MessageBody: JSON.stringify(record),
      MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1000) } },
    }));
  }
}
