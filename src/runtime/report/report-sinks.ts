import * as fs from 'fs';
import * as path from 'path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { ReportFile } from './report-files';
import type { SummaryMessage } from './summary-message';

/** Where the report files go. */
export interface ReportSink {
  put(file: ReportFile): Promise<void>;
  /** How a reader finds an object: `s3://bucket/key` or a file path. */
  locate(key: string): string;
}

/** Who hears about the report. */
export interface SummaryPublisher {
  publish(summary: SummaryMessage): Promise<void>;
}

/** The report bucket. Objects get the bucket's default encryption (SSE-S3 or SSE-KMS), set by the construct. */
export class S3ReportSink implements ReportSink {
  constructor(private readonly client: S3Client, private readonly bucketName: string) {}

  async put(file: ReportFile): Promise<void> {
    await this.client.send(new PutObjectCommand({
      Bucket: this.bucketName,
      Key: file.key,
      Body: file.body,
      ContentType: file.contentType,
      CacheControl: file.cacheControl,
    }));
  }

  locate(key: string): string {
    return `s3://${this.bucketName}/${key}`;
  }
}

/** A local folder with the same key layout, for the demo and for rendering a report from a table copy. */
export class DirectoryReportSink implements ReportSink {
  constructor(private readonly directory: string) {}

  async put(file: ReportFile): Promise<void> {
    const target = this.locate(file.key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    await fs.promises.writeFile(target, file.body, 'utf-8');
  }

  locate(key: string): string {
    return path.join(this.directory, ...key.split('/'));
  }
}

export class SnsSummaryPublisher implements SummaryPublisher {
  constructor(private readonly client: SNSClient, private readonly topicArn: string) {}

  async publish(summary: SummaryMessage): Promise<void> {
    await this.client.send(new PublishCommand({
      TopicArn: this.topicArn,
      Subject: summary.subject,
      Message: summary.message,
      MessageAttributes: Object.fromEntries(Object.entries(summary.attributes)
        .map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
    }));
  }
}
