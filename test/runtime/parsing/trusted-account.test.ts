import { parseEventBridgeEvent } from '../../../src/runtime/parsing/parse-event';
import { InvalidEventError } from '../../../src/runtime/parsing/parsed-event';
import { agentEvent, awsConfigEvent, complianceChangeEvent, loadFixture } from '../../fixtures/aws-config/fixtures';
import { ssmFixture } from '../../fixtures/ssm/fixtures';

/** The account every sample belongs to (the victim), and another member of the organization (the sender). */
const VICTIM = '123456789012';
const SENDER = '444455556666';

function reasonOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as InvalidEventError).reason;
  }
  throw new Error('expected an InvalidEventError');
}

/** The agent envelope EventBridge delivers when account SENDER puts an event: its `account` is SENDER whatever the body says. */
function sentBy(account: string, envelope: Record<string, any>): Record<string, any> {
  return { ...envelope, account };
}

describe('an agent envelope may only carry its sender\'s own state', () => {
  test('refuses an inner compliance change of another account: account mismatch, naming both accounts', () => {
    const forged = sentBy(SENDER, agentEvent(complianceChangeEvent()));

    const reason = reasonOf(() => parseEventBridgeEvent(forged));

    expect(reason).toMatch(/^account mismatch: detail\.event\.account is "123456789012" but the event was sent by account 444455556666 \(account/);
  });

  test('refuses an inner configuration item of another account', () => {
    const forged = sentBy(SENDER, agentEvent(loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json')));

    expect(reasonOf(() => parseEventBridgeEvent(forged))).toMatch(/^account mismatch: detail\.event\.account/);
  });

  test('refuses an inner remediation execution of another account', () => {
    const original = ssmFixture('remediation-failed.json');
    const forged = {
      'source': 'monitoring.agent.config',
      'detail-type': original['detail-type'],
      'id': 'outer',
      'account': SENDER,
      'region': original.region,
      'detail': { schemaVersion: '1', event: original, enrichment: {} },
    };

    expect(reasonOf(() => parseEventBridgeEvent(forged))).toMatch(/^account mismatch: detail\.event\.account is "222222222222"/);
  });

  test('refuses an inner event that leaves its account out but names another one in the message', () => {
    const forged = sentBy(SENDER, agentEvent(complianceChangeEvent()));
    delete forged.detail.event.account;

    expect(reasonOf(() => parseEventBridgeEvent(forged))).toMatch(/^account mismatch: detail\.event\.detail\.awsAccountId is "123456789012" but the event was sent by account 444455556666/);
  });

  test('refuses an inner event whose own account matches but whose message names another', () => {
    const forged = agentEvent(complianceChangeEvent());
    forged.detail.event.detail.awsAccountId = SENDER;

    expect(reasonOf(() => parseEventBridgeEvent(forged))).toMatch(/^account mismatch: detail\.event\.detail\.awsAccountId is "444455556666"/);
  });

  test('refuses a resolved item (API field names) of another account', () => {
    const original = loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json');
    const item = original.detail.configurationItem;
    delete item.awsAccountId;
    item.accountId = SENDER;

    expect(reasonOf(() => parseEventBridgeEvent(agentEvent(original)))).toMatch(/^account mismatch: detail\.event\.detail\.configurationItem\.accountId/);
  });

  test('stores the sender\'s account when every claim agrees', () => {
    const parsed = parseEventBridgeEvent(agentEvent(complianceChangeEvent()));

    expect(parsed.kind === 'compliance' && parsed.result.account).toBe(VICTIM);
  });
});

describe('an aws.config event is its sender\'s by construction', () => {
  test('refuses a message whose awsAccountId is not the event\'s account', () => {
    const event = complianceChangeEvent();
    event.account = SENDER;

    expect(reasonOf(() => parseEventBridgeEvent(event))).toMatch(/^account mismatch: detail\.awsAccountId is "123456789012" but the event was sent by account 444455556666/);
  });

  test('refuses a configuration item whose awsAccountId is not the event\'s account', () => {
    const event = loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json');
    event.detail.configurationItem.awsAccountId = SENDER;

    expect(reasonOf(() => parseEventBridgeEvent(event))).toMatch(/^account mismatch: detail\.configurationItem\.awsAccountId is "444455556666"/);
  });

  test('stores the event\'s account when the message names none', () => {
    const message = loadFixture('sns/awsdocs-compliance-change-cloudtrail-enabled.json').Message;
    delete message.awsAccountId;

    const parsed = parseEventBridgeEvent(awsConfigEvent('Config Rules Compliance Change', message, { account: SENDER }));

    expect(parsed.kind === 'compliance' && parsed.result.account).toBe(SENDER);
  });
});
