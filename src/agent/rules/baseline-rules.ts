import * as config from 'aws-cdk-lib/aws-config';
import { ComplianceRule } from './compliance-rule';

/** Options of the baseline rule set. */
export interface BaselineRulesOptions {
  /**
   * Whether to include the rules that check the account rather than a regional resource (root MFA, root access
   * keys, password policy, CloudTrail). They give the same answer in every region: include them in one home region
   * only, to pay for their evaluations once.
   *
   * @default true
   */
  readonly includeAccountLevelRules?: boolean;
}

/**
 * A baseline of widely used AWS managed rules a team can start from, as `ComplianceRule` values to deploy as account
 * rules, render into a conformance pack, or extend.
 *
 * | rule name | identifier | checks |
 * |---|---|---|
 * | `incoming-ssh-disabled` | `INCOMING_SSH_DISABLED` | no security group allows SSH (port 22) from anywhere |
 * | `s3-bucket-public-read-prohibited` | `S3_BUCKET_PUBLIC_READ_PROHIBITED` | no bucket is publicly readable |
 * | `s3-bucket-server-side-encryption-enabled` | `S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED` | buckets encrypt by default |
 * | `s3-bucket-ssl-requests-only` | `S3_BUCKET_SSL_REQUESTS_ONLY` | bucket policies deny plain HTTP |
 * | `ec2-ebs-encryption-by-default` | `EC2_EBS_ENCRYPTION_BY_DEFAULT` | new EBS volumes are encrypted |
 * | `rds-storage-encrypted` | `RDS_STORAGE_ENCRYPTED` | RDS instances are encrypted |
 * | `root-account-mfa-enabled` | `ROOT_ACCOUNT_MFA_ENABLED` | account level: the root user has MFA |
 * | `iam-root-access-key-check` | `IAM_ROOT_ACCESS_KEY_CHECK` | account level: the root user has no access key |
 * | `iam-password-policy` | `IAM_PASSWORD_POLICY` | account level: the password policy meets AWS's defaults |
 * | `cloudtrail-enabled` | `CLOUD_TRAIL_ENABLED` | account level: a trail is logging |
 */
export class BaselineRules {
  /**
   * The baseline, without remediation (add it to your own copies of the rules that need it).
   */
  public static recommended(options: BaselineRulesOptions = {}): ComplianceRule[] {
    const ids = config.ManagedRuleIdentifiers;
    const rules = [
      ComplianceRule.managed(ids.EC2_SECURITY_GROUPS_INCOMING_SSH_DISABLED, {
        description: 'Security groups do not allow SSH (port 22) from 0.0.0.0/0 or ::/0',
      }),
      ComplianceRule.managed(ids.S3_BUCKET_PUBLIC_READ_PROHIBITED, { description: 'S3 buckets are not publicly readable' }),
      ComplianceRule.managed(ids.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, { description: 'S3 buckets encrypt objects by default' }),
      ComplianceRule.managed(ids.S3_BUCKET_SSL_REQUESTS_ONLY, { description: 'S3 bucket policies deny requests without TLS' }),
      ComplianceRule.managed(ids.EC2_EBS_ENCRYPTION_BY_DEFAULT, {
        ruleName: 'ec2-ebs-encryption-by-default',
        description: 'New EBS volumes are encrypted by default',
      }),
      ComplianceRule.managed(ids.RDS_STORAGE_ENCRYPTED, { description: 'RDS DB instances are encrypted at rest' }),
    ];
    return (options.includeAccountLevelRules ?? true) ? [...rules, ...BaselineRules.accountLevel()] : rules;
  }

  /**
   * Only the baseline's account-level rules (root MFA, root access keys, password policy, CloudTrail): the ones to
   * deploy in one home region only, for example as a rollout's `homeRegionRules`.
   */
  public static accountLevel(): ComplianceRule[] {
    const ids = config.ManagedRuleIdentifiers;
    return [
      ComplianceRule.managed(ids.ROOT_ACCOUNT_MFA_ENABLED, { description: 'The root user signs in with MFA' }),
      ComplianceRule.managed(ids.IAM_ROOT_ACCESS_KEY_CHECK, { description: 'The root user has no access key' }),
      ComplianceRule.managed(ids.IAM_PASSWORD_POLICY, { description: 'The account password policy meets the AWS defaults' }),
      ComplianceRule.managed(ids.CLOUD_TRAIL_ENABLED, { ruleName: 'cloudtrail-enabled', description: 'A CloudTrail trail is logging' }),
    ];
  }

  private constructor() {}
}
