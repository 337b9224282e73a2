import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ACCOUNTS, agentProps, HOME_REGION, homeRegionRules, organizationRollout, REGIONS, rolloutStack } from './support';
import { ConfigMonitoringAgent, EventForwarding, Recording } from '../../src';
import { describeViolations, nag } from '../support/policy-checks';
import { renderTemplate } from '../support/render-template';

// Enriched forwarding in a rollout: its function is bundled code, published to an organization-readable bucket in
// each target region; the one StackSet template reads it from the bucket of the region each instance runs in.

const PREFIX = 'acme-config-monitoring';
const ORGANIZATION_ID = 'o-a1b2c3d4e5';

function enrichedRollout(createBuckets?: boolean) {
  const stack = rolloutStack();
  const rollout = organizationRollout(stack, {
    agent: { ...agentProps(stack), forwarding: EventForwarding.enriched({ dropNotApplicable: true }) },
    assetBuckets: { bucketNamePrefix: PREFIX, organizationId: ORGANIZATION_ID, createBuckets },
  });
  return { stack, rollout };
}

/** Where each region's asset stack publishes: bucket name => keys. */
function published(rollout: ReturnType<typeof enrichedRollout>['rollout']): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const assetStack of rollout.assetStacks) {
    const template = Template.fromStack(assetStack);
    const buckets = template.findResources('AWS::S3::Bucket');
    for (const deployment of Object.values<any>(template.findResources('Custom::CDKBucketDeployment'))) {
      const destination = deployment.Properties.DestinationBucketName;
      const name = typeof destination === 'string' ? destination : buckets[destination.Ref].Properties.BucketName;
      const keys = deployment.Properties.SourceObjectKeys.map((key: string) => `${deployment.Properties.DestinationBucketKeyPrefix}${path.basename(key)}`);
      expect(deployment.Properties.Extract).toBe(false);
      out[name] = [...out[name] ?? [], ...keys];
    }
  }
  return out;
}

describe('enriched forwarding, published to every target region', () => {
  const { stack, rollout } = enrichedRollout();

  test('one asset stack per target region, in the rollout\'s account, deployed before the rollout\'s stack', () => {
    expect(rollout.assetStacks.map((s) => [s.stackName, s.account, s.region])).toEqual(REGIONS.map((region) =>
      [`Rollout-Rollout-Assets-${region}`, '999999999999', region]));
    expect(stack.dependencies).toEqual(expect.arrayContaining(rollout.assetStacks));
  });

  test('each bucket is readable by the organization only, for the agent\'s code only, over TLS, SSE-S3', () => {
    for (const [index, assetStack] of rollout.assetStacks.entries()) {
      const template = Template.fromStack(assetStack);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: `${PREFIX}-${REGIONS[index]}`,
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            {
              Sid: 'OrganizationReadsAgentCode',
              Effect: 'Allow',
              Principal: { AWS: '*' },
              Action: ['s3:GetObject', 's3:GetObjectVersion'],
              Resource: Match.objectLike({ 'Fn::Join': ['', [Match.anyValue(), '/config-monitoring/*']] }),
              Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID } },
            },
          ]),
        },
      });
    }
  });

  test.each(ACCOUNTS.flatMap((account) => REGIONS.map((region) => ({ account, region }))))(
    '$account $region: every asset reference resolves to the bucket of the instance\'s own region, where it is published',
    ({ account, region }) => {
      const where = published(rollout);
      for (const stackSet of rollout.stackSets) {
        const rendered = renderTemplate(stackSet.template, { account, region });
        const codes = Object.values<any>(Template.fromJSON(rendered).findResources('AWS::Lambda::Function')).map((f) => f.Properties.Code);
        const fromS3 = codes.filter((code) => code.ZipFile === undefined);
        expect(fromS3.length).toBeGreaterThan(0);
        for (const code of fromS3) {
          expect(code.S3Bucket).toBe(`${PREFIX}-${region}`);
          expect(where[code.S3Bucket]).toContain(code.S3Key);
        }
        // No other region's bucket, no bootstrap bucket.
        const body = JSON.stringify(rendered);
        for (const other of REGIONS.filter((r) => r !== region)) expect(body).not.toContain(`${PREFIX}-${other}`);
        expect(body).not.toContain('cdk-hnb659fds');
      }
    });

  test('rendered, each variant is the per-account enriched agent but for where the function\'s code is read', () => {
    const account = ACCOUNTS[0];
    for (const region of REGIONS) {
      for (const [index, recording] of [[0, Recording.create()], [1, Recording.adoptExisting()]] as const) {
        const app = new App();
        // Named as the StackSet's stack: ids derived from the stack name (statement ids, event source mappings) agree.
        const reference = new Stack(app, 'ConfigMonitoringAgent', { env: { account, region } });
        const props = agentProps(reference);
        new ConfigMonitoringAgent(reference, 'Agent', {
          ...props,
          forwarding: EventForwarding.enriched({ dropNotApplicable: true }),
          recording: recording.adopted ? recording : Recording.create({ globalResourceTypesRegion: HOME_REGION }),
          rules: [...props.rules ?? [], ...(region === HOME_REGION ? homeRegionRules() : [])],
        });
        const withoutCode = (template: any) => {
          const resources = { ...template.Resources };
          delete resources.CDKMetadata;
          for (const [id, r] of Object.entries<any>(resources)) {
            if (r.Type === 'AWS::Lambda::Function' && r.Properties.Code.ZipFile === undefined) {
              resources[id] = { ...r, Properties: { ...r.Properties, Code: '<code>' }, Metadata: undefined };
            }
          }
          return resources;
        };
        expect(withoutCode(renderTemplate(rollout.stackSets[index].template, { account, region })))
          .toEqual(withoutCode(renderTemplate(Template.fromStack(reference).toJSON(), { account, region })));
      }
    }
  });

  test('cdk-nag AwsSolutions over the rollout\'s and the asset stacks: no unacknowledged finding', () => {
    expect(describeViolations(nag(stack.node.root as App))).toEqual([]);
  });
});

test('existing buckets: the rollout only publishes, to the buckets named <prefix>-<region>', () => {
  const { rollout } = enrichedRollout(false);
  for (const assetStack of rollout.assetStacks) Template.fromStack(assetStack).resourceCountIs('AWS::S3::Bucket', 0);
  expect(Object.keys(published(rollout)).sort()).toEqual(REGIONS.map((r) => `${PREFIX}-${r}`).sort());
});

test('errors: enriched forwarding without assetBuckets, a bucket prefix or an organization id that cannot be', () => {
  const s = rolloutStack();
  expect(() => organizationRollout(s, { agent: { ...agentProps(s), forwarding: EventForwarding.enriched() } }))
    .toThrow(/^Rollout\/Rollout \(StackSet config-monitoring-agent\): agent.forwarding is EventForwarding.enriched\(\), whose function is a bundled asset.*give assetBuckets/);
  const s2 = rolloutStack();
  expect(() => organizationRollout(s2, { assetBuckets: { bucketNamePrefix: 'Acme_Assets', organizationId: ORGANIZATION_ID } }))
    .toThrow(/assetBuckets.bucketNamePrefix must be lower-case letters, digits, dots and dashes, at most 48 characters \(the region is appended\), got 'Acme_Assets'/);
  const s3 = rolloutStack();
  expect(() => organizationRollout(s3, { assetBuckets: { bucketNamePrefix: PREFIX, organizationId: '123' } }))
    .toThrow(/assetBuckets.organizationId must be an organization id such as 'o-a1b2c3d4e5', got '123'/);
});

test('direct forwarding with assetBuckets: no asset, so no asset stack', () => {
  const s = rolloutStack();
  const rollout = organizationRollout(s, { assetBuckets: { bucketNamePrefix: PREFIX, organizationId: ORGANIZATION_ID } });
  expect(rollout.assetStacks).toEqual([]);
});
