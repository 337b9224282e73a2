import { Token } from 'aws-cdk-lib';

/**
 * An S3 URI `s3://<bucket>/<key>` with a bucket name as S3's naming rules allow: 3 to 63 lowercase letters, digits,
 * dots or dashes, starting and ending with a letter or digit; a key of at least one character.
 */
const S3_URI = /^s3:\/\/([^/]*)\/(.+)$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Throws when `uri` is a resolved string that is not `s3://<bucket>/<key>` with a valid bucket name.
 *
 * @param prop what the message calls the value, for example `uri of conformance pack 'p'`
 */
export function validateS3Uri(prop: string, uri: string): void {
  if (Token.isUnresolved(uri)) return;
  const match = S3_URI.exec(uri);
  if (!match) {
    throw new Error(`${prop} must be 's3://<bucket>/<key>', got '${uri}': use the object's S3 URI (not its https URL or ARN), `
      + "for example 's3://my-templates/packs/operational-best-practices.yaml'");
  }
  const bucket = match[1];
  if (!BUCKET_NAME.test(bucket)) {
    throw new Error(`${prop} names the bucket '${bucket}', which is not a valid S3 bucket name: a bucket name has 3 to 63 `
      + 'lowercase letters, digits, dots or dashes and starts and ends with a letter or digit');
  }
  if (uri.length > 1024) {
    throw new Error(`${prop} must be at most 1024 characters, got ${uri.length}: use a shorter key`);
  }
}
