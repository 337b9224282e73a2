import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * Lets CloudWatch Logs encrypt this account's and region's log groups with a customer-managed key.
 *
 * CloudWatch Logs uses a key only through the key policy (no IAM role of ours is involved), so every construct that
 * encrypts a log group with the key needs this statement; identical statements are merged in the key policy.
 */
export function grantLogsUseOfKey(scope: Construct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  key.grant(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`, {
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }), 'kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*');
}
