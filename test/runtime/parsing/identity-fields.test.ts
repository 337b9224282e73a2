import { parseEventBridgeEvent } from '../../../src/runtime/parsing/parse-event';
import { describeValue, InvalidEventError } from '../../../src/runtime/parsing/parsed-event';
import { agentEvent, complianceChangeEvent, loadFixture } from '../../fixtures/aws-config/fixtures';
import { ssmFixture } from '../../fixtures/ssm/fixtures';

function reasonOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as InvalidEventError).reason;
  }
  throw new Error('expected an InvalidEventError');
}

type Event = Record<string, any>;

/** The real compliance change with its identity changed everywhere it is written (top level and qualifier). */
function complianceWith(identity: { region?: string; resourceType?: string; resourceId?: string; rule?: string }): Event {
  const event = complianceChangeEvent();
  const qualifier = event.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier;
  if (identity.region !== undefined) event.detail.awsRegion = identity.region;
  if (identity.resourceType !== undefined) event.detail.resourceType = qualifier.resourceType = identity.resourceType;
  if (identity.resourceId !== undefined) event.detail.resourceId = qualifier.resourceId = identity.resourceId;
  if (identity.rule !== undefined) event.detail.configRuleName = qualifier.configRuleName = identity.rule;
  return event;
}

/** The real EC2 configuration-item change with its identity changed. */
function itemWith(identity: { region?: string; resourceType?: string; resourceId?: string }): Event {
  const event = loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json');
  const item = event.detail.configurationItem;
  if (identity.region !== undefined) item.awsRegion = identity.region;
  if (identity.resourceType !== undefined) item.resourceType = identity.resourceType;
  if (identity.resourceId !== undefined) item.resourceId = identity.resourceId;
  return event;
}

/** The real failed remediation as the agent forwards it, with the hints it adds. */
function forwardedRemediation(remediation: Record<string, unknown>): Event {
  const event = ssmFixture('remediation-failed.json');
  return {
    'source': 'monitoring.agent.config',
    'detail-type': event['detail-type'],
    'id': 'outer',
    'account': event.account,
    'region': event.region,
    'detail': { schemaVersion: '1', event, enrichment: { remediation } },
  };
}

describe('regions are what AWS names them', () => {
  test.each(['eu#west-1', 'eu-west-1😀', 'EU-WEST-1', 'eu-west', 'eu-west-1 '])('refuses %j', (region) => {
    expect(reasonOf(() => parseEventBridgeEvent(complianceWith({ region })))).toMatch(
      /^detail\.awsRegion: expected an AWS region such as eu-west-1 or us-gov-west-1 \(\^\[a-z\]\{2\}\(-\[a-z\]\+\)\+-\\d\+\$\), got /,
    );
    expect(reasonOf(() => parseEventBridgeEvent(itemWith({ region })))).toMatch(/^detail\.configurationItem\.awsRegion: expected an AWS region/);
  });

  test.each(['us-gov-west-1', 'cn-north-1', 'ap-southeast-2', 'eu-central-2', 'il-central-1'])('accepts %s', (region) => {
    const parsed = parseEventBridgeEvent(complianceWith({ region }));
    expect(parsed.kind === 'compliance' && parsed.result.region).toBe(region);
  });

  test('refuses a bad envelope region a remediation falls back to', () => {
    expect(reasonOf(() => parseEventBridgeEvent({ ...ssmFixture('remediation-failed.json'), region: 'eu-west-1<' }))).toMatch(/^region: expected an AWS region/);
  });
});

describe('resource types are Config\'s Owner::Service::Type', () => {
  test.each(['<script>', 'AWS::EC2', 'AWS::EC2::Security Group', 'AWS::EC2::SecurityGroup::Rule', '::EC2::Instance', 'AWS::::Bucket', `AWS::EC2::${'X'.repeat(250)}`])(
    'refuses %j', (resourceType) => {
      expect(reasonOf(() => parseEventBridgeEvent(complianceWith({ resourceType })))).toMatch(
        /^detail\.resourceType: expected a Config resource type Owner::Service::Type of letters and digits \(such as AWS::EC2::SecurityGroup\) or AWS::::Account, at most 256 characters, got /,
      );
      expect(reasonOf(() => parseEventBridgeEvent(itemWith({ resourceType })))).toMatch(/^detail\.configurationItem\.resourceType: expected a Config resource type/);
    });

  test('accepts AWS::::Account (the sample) and three-part types', () => {
    const account = parseEventBridgeEvent(complianceChangeEvent());
    const custom = parseEventBridgeEvent(complianceWith({ resourceType: 'Custom::Inventory::Server01' }));

    expect(account.kind === 'compliance' && account.result.resourceType).toBe('AWS::::Account');
    expect(custom.kind === 'compliance' && custom.result.resourceType).toBe('Custom::Inventory::Server01');
  });

  test('refuses a remediation hint that cannot be a resource type', () => {
    const envelope = forwardedRemediation({ configRuleNames: ['restricted-ssh'], resourceTypes: ['<img src=x>'] });

    expect(reasonOf(() => parseEventBridgeEvent(envelope))).toMatch(/^detail\.enrichment\.remediation\.resourceTypes: expected a Config resource type/);
  });
});

describe('resource ids are 1 to 768 characters without control characters', () => {
  test.each([
    ['a bell', 'sg-0a1b\u0007'],
    ['a line break', 'sg-0a1b\nFORGED'],
    ['a DEL', 'sg-\u007f'],
    ['a C1 control', 'sg-\u0085'],
    ['769 characters', 'i'.repeat(769)],
    ['769 emoji', '😀'.repeat(769)],
  ])('refuses one with %s', (_name, resourceId) => {
    const reason = reasonOf(() => parseEventBridgeEvent(complianceWith({ resourceId })));
    expect(reason).toMatch(/^detail\.resourceId: expected a Config resource id of 1 to 768 characters without control characters/);
    expect(reasonOf(() => parseEventBridgeEvent(itemWith({ resourceId })))).toMatch(/^detail\.configurationItem\.resourceId: expected a Config resource id/);
    // The value is shown escaped and shortened: one readable log line whatever the id holds.
    expect(reason).not.toMatch(/\p{Cc}/u);
    expect(reason.length).toBeLessThan(320);
  });

  test('says how long a too-long id is', () => {
    expect(reasonOf(() => parseEventBridgeEvent(complianceWith({ resourceId: 'i'.repeat(769) })))).toContain('(this one has 769)');
  });

  test('accepts 768 characters, ARNs and log group names', () => {
    for (const resourceId of ['i'.repeat(768), '/aws/lambda/my-function', 'arn:aws:s3:::my-bucket/prefix with spaces', '😀'.repeat(768)]) {
      const parsed = parseEventBridgeEvent(complianceWith({ resourceId }));
      expect(parsed.kind === 'compliance' && parsed.result.resourceId).toBe(resourceId);
    }
  });
});

describe('rule names are 1 to 128 characters without control characters', () => {
  test.each([
    ['a control character', 'restricted-ssh\u001b[31m'],
    ['129 characters', 'r'.repeat(129)],
    ['only blanks', '   '],
  ])('refuses one with %s', (_name, rule) => {
    expect(reasonOf(() => parseEventBridgeEvent(complianceWith({ rule })))).toMatch(/^detail\.configRuleName: expected a Config rule name/);
  });

  test('accepts 128 characters and the names conformance packs and organization rules give', () => {
    for (const rule of ['r'.repeat(128), 'restricted-ssh-conformance-pack-3a4b5c6d7', 'OrgConfigRule-s3-bucket-versioning-enabled-x1y2z3']) {
      const parsed = parseEventBridgeEvent(complianceWith({ rule }));
      expect(parsed.kind === 'compliance' && parsed.result.configRuleName).toBe(rule);
    }
  });

  test('refuses a remediation hint that cannot be a rule name', () => {
    const envelope = forwardedRemediation({ configRuleNames: ['x\u0000'], resourceTypes: ['AWS::EC2::SecurityGroup'] });

    expect(reasonOf(() => parseEventBridgeEvent(envelope))).toMatch(/^detail\.enrichment\.remediation\.configRuleNames: expected a Config rule name/);
  });
});

describe('the same rules hold inside an agent envelope', () => {
  test('refuses a forwarded event with a resource type that cannot exist', () => {
    expect(reasonOf(() => parseEventBridgeEvent(agentEvent(complianceWith({ resourceType: '<script>' }))))).toMatch(
      /^detail\.event\.detail\.resourceType: expected a Config resource type/,
    );
  });
});

describe('describeValue', () => {
  test('escapes every control character, DEL and C1 included', () => {
    expect(describeValue('a\u0007b\u007fc\u009bd')).toBe('"a\\u0007b\\u007fc\\u009bd"');
  });
});
