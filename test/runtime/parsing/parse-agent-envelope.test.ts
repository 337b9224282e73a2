import { AGENT_SOURCE } from '../../../src/contract/event-sources';
import { parseEventBridgeEvent } from '../../../src/runtime/parsing/parse-event';
import { agentEvent, complianceChangeEvent, loadFixture } from '../../fixtures/aws-config/fixtures';

describe('parseEventBridgeEvent (agent envelope)', () => {
  test('parses a forwarded configuration-item event exactly like the original', () => {
    // Prepare
    const original = loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json');
    const forwarded = agentEvent(original);

    // Act
    const parsed = parseEventBridgeEvent(forwarded);

    // Assess
    expect(forwarded.source).toBe(AGENT_SOURCE);
    expect(parsed).toEqual(parseEventBridgeEvent(original));
  });

  test('parses the original event id as sourceEventId, not the agent envelope id', () => {
    // Prepare
    const forwarded = agentEvent(complianceChangeEvent());

    // Act
    const parsed = parseEventBridgeEvent(forwarded);

    // Assess
    expect(forwarded.id).toBe('agent-0000-4000-8000-000000000002');
    expect(parsed.kind === 'compliance' && parsed.result.sourceEventId).toBe('8e2f9a4c-0000-4000-8000-000000000001');
    expect(parsed.kind === 'compliance' && parsed.result.complianceStatus).toBe('COMPLIANT');
  });

  test('parses a forwarded event whose detail the agent replaced by the resolved item', () => {
    // Prepare: the oversized summary replaced by a full item (here the real EC2 notification body).
    const original = loadFixture('eventbridge/c7n-omnissm-ci-change-oversized-ssm-inventory.json');
    original.detail = loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json').detail;

    // Act
    const parsed = parseEventBridgeEvent(agentEvent(original));

    // Assess
    expect(parsed.kind === 'configuration-item' && [parsed.item.oversized, parsed.item.resourceId]).toEqual([false, 'i-12345678901234567']);
  });

  test('parses the inner event with the outer envelope filling its gaps', () => {
    // Prepare
    const forwarded = agentEvent(complianceChangeEvent());
    delete forwarded.detail.event.id;
    delete forwarded.detail.event['detail-type'];
    delete forwarded.detail.event.detail.awsRegion;

    // Act
    const parsed = parseEventBridgeEvent(forwarded);

    // Assess
    expect(parsed.kind === 'compliance' && [parsed.result.region, parsed.result.sourceEventId]).toEqual([
      'us-east-2',
      'agent-0000-4000-8000-000000000002',
    ]);
  });

  test('parses a forwarded status notification as skipped', () => {
    // Prepare
    const original = {
      ...complianceChangeEvent(),
      'detail-type': 'Config Rules Re-evaluation Status',
      'detail': loadFixture('sns/awsdocs-config-rules-evaluation-started.json').Message,
    };

    // Act
    const parsed = parseEventBridgeEvent(agentEvent(original));

    // Assess
    expect(parsed).toEqual({ kind: 'skipped', detailType: 'Config Rules Re-evaluation Status', reason: 'status-notification' });
  });

  test('parses an agent envelope delivered as an SQS body string', () => {
    const body = JSON.stringify(agentEvent(loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json')));

    expect(parseEventBridgeEvent(body).kind).toBe('configuration-item');
  });
});
