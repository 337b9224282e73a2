import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Options of the archive of expiring history.
 *
 * History items leave the events table when their TTL (`historyRetention`) passes. With the archive on, the
 * events table gets a stream of old images; every item DynamoDB's TTL process removes reaches the `ArchiveHistory`
 * function (an event source filter lets nothing else through), which writes it, gzipped JSON Lines, to
 * `history/dt=YYYY-MM-DD/account=<account id>/<sequence number>.json.gz` in an archive bucket: partitioned by the
 * event's date and account, Hive style, so Athena, Glue, Spark, Trino or DuckDB read it as a table.
 *
 * Retention is set separately in each place: `historyRetention` in DynamoDB (how long the API and the dashboards
 * see an event), `retention` here (how long the archive keeps it after it left the table).
 */
export interface HistoryArchiveOptions {
  /**
   * How long archived history is kept in S3, counted from when it was archived (so an event is kept
   * `historyRetention` + `retention` after it happened). A whole number of days, at least one; longer than
   * `transitionAfter`.
   *
   * @default Duration.days(2555) - seven years, a common audit retention
   */
  readonly retention?: Duration;

  /**
   * When archived objects move to S3 Glacier Instant Retrieval: about a sixth of the Standard storage price, still
   * read in milliseconds, so Athena keeps querying them (it skips Glacier Flexible Retrieval and Deep Archive
   * objects). A whole number of days, at least one. Objects smaller than 128 KB stay in Standard: S3 does not move
   * them by default, as each would cost more there.
   *
   * @default Duration.days(90)
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
   */
  readonly transitionAfter?: Duration;

  /**
   * Where the archive bucket's server access logs go.
   *
   * @default - a new bucket (SSE-S3, which server access logging requires; TLS only; public access blocked;
   * logs expired after `retention`)
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}
