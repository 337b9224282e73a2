import { synth } from './support';
import { BaselineRules } from '../../../src/agent/rules/baseline-rules';
import { ConformancePack } from '../../../src/agent/rules/conformance-pack';

describe('BaselineRules.recommended()', () => {
  test('the documented rules, INCOMING_SSH_DISABLED first, each with a description', () => {
    const { template } = synth({ rules: BaselineRules.recommended() });
    const rules = Object.values(template.findResources('AWS::Config::ConfigRule')).map((r: any) => r.Properties);
    expect(rules.map((r) => `${r.ConfigRuleName} ${r.Source.SourceIdentifier}`)).toEqual([
      'incoming-ssh-disabled INCOMING_SSH_DISABLED',
      's3-bucket-public-read-prohibited S3_BUCKET_PUBLIC_READ_PROHIBITED',
      's3-bucket-server-side-encryption-enabled S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
      's3-bucket-ssl-requests-only S3_BUCKET_SSL_REQUESTS_ONLY',
      'ec2-ebs-encryption-by-default EC2_EBS_ENCRYPTION_BY_DEFAULT',
      'rds-storage-encrypted RDS_STORAGE_ENCRYPTED',
      'root-account-mfa-enabled ROOT_ACCOUNT_MFA_ENABLED',
      'iam-root-access-key-check IAM_ROOT_ACCESS_KEY_CHECK',
      'iam-password-policy IAM_PASSWORD_POLICY',
      'cloudtrail-enabled CLOUD_TRAIL_ENABLED',
    ]);
    for (const rule of rules) {
      expect(rule.Description.length).toBeGreaterThan(10);
      expect(rule.Scope).toBeUndefined();
    }
  });

  test('includeAccountLevelRules: false leaves out the four account-level rules (for regions other than the home one)', () => {
    const names = BaselineRules.recommended({ includeAccountLevelRules: false }).map((rule) => rule.ruleName);
    expect(names).toHaveLength(6);
    expect(names).not.toContain('root-account-mfa-enabled');
    expect(names).not.toContain('cloudtrail-enabled');
  });

  test('accountLevel() is exactly what includeAccountLevelRules: false leaves out (a rollout\'s homeRegionRules)', () => {
    const regional = BaselineRules.recommended({ includeAccountLevelRules: false }).map((rule) => rule.ruleName);
    const accountLevel = BaselineRules.accountLevel().map((rule) => rule.ruleName);

    expect(accountLevel).toEqual(['root-account-mfa-enabled', 'iam-root-access-key-check', 'iam-password-policy', 'cloudtrail-enabled']);
    expect([...regional, ...accountLevel]).toEqual(BaselineRules.recommended().map((rule) => rule.ruleName));
  });

  test('the baseline renders into a pack that fits', () => {
    const { template } = synth({ conformancePacks: [ConformancePack.fromRules('baseline', BaselineRules.recommended())] });
    template.resourceCountIs('AWS::Config::ConformancePack', 1);
  });
});
