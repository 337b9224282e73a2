import { AccountActivityRecorder } from '../../../src/runtime/pipeline/account-activity-recorder';
import { processBatch } from '../../../src/runtime/pipeline/process-batch';
import { agentEvent, complianceChangeEvent } from '../../fixtures/aws-config/fixtures';
import { sqsRecord } from '../../support/config-events';
import { writePathSuite } from '../../support/write-path-harness';

/** The real compliance change belongs to VICTIM; FORGER is another member of the organization, allowed on the bus. */
const VICTIM = '123456789012';
const FORGER = '444455556666';

const suite = writePathSuite();

const reasonsById = () => Object.fromEntries(suite.harness.deadLettered().map((d) => [
  d.MessageAttributes!.source_message_id!.StringValue, d.MessageAttributes!.reason!.StringValue,
]));

describe('processBatch at the door', () => {
  test('a forged agent envelope (sent by account A, naming account B) stores nothing for B and is dead-lettered: account mismatch', async () => {
    // Prepare: FORGER puts an agent envelope around VICTIM's event; EventBridge sets the outer account to FORGER.
    const forged: Record<string, any> = { ...agentEvent(complianceChangeEvent()), account: FORGER };
    forged.detail.event.detail.newEvaluationResult.complianceType = 'NON_COMPLIANT';
    const activity = new AccountActivityRecorder(suite.db.documentClient, suite.harness.tables.complianceTable, { now: () => Date.parse('2026-11-26T12:00:00Z') });

    // Act
    const { batchItemFailures, metrics } = await processBatch([sqsRecord(forged, 'forged-1')], { ...suite.harness.dependencies, activity });

    // Assess
    expect(batchItemFailures).toEqual([]);
    expect(reasonsById()['forged-1']).toMatch(/^InvalidEventError: account mismatch: detail\.event\.account is "123456789012" but the event was sent by account 444455556666/);
    expect(metrics.get('EventsDeadLettered')).toBe(1);
    const stored = await suite.harness.complianceItems();
    expect(stored.filter((item) => JSON.stringify(item).includes(VICTIM))).toEqual([]);
    expect(await suite.harness.history()).toEqual([]);
    expect(suite.harness.notifications()).toEqual([]);
    // The sender is who EventBridge says it is: only it counts as active.
    expect(stored.map((item) => item.account)).toEqual([FORGER]);
  });

  test('the genuine envelope of the same event is stored for its own account', async () => {
    const genuine = agentEvent(complianceChangeEvent());

    const { batchItemFailures } = await processBatch([sqsRecord(genuine, 'genuine-1')], suite.harness.dependencies);

    expect(batchItemFailures).toEqual([]);
    expect(suite.harness.deadLettered()).toEqual([]);
    expect((await suite.harness.complianceItems()).map((item) => [item.account, item.config_rule_name])).toEqual([[VICTIM, 'cloudtrail-enabled']]);
  });

  test('the batch clock bounds event times: an evaluation dated beyond now plus the skew is dead-lettered with its reason, one within it is stored', async () => {
    // Prepare: the suite.harness clock says 2026-11-26T12:00:00Z.
    const at = (id: string, recorded: string, resourceId: string) => {
      const event = complianceChangeEvent();
      event.id = id;
      event.detail.resourceId = resourceId;
      event.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.resourceId = resourceId;
      event.detail.newEvaluationResult.resultRecordedTime = recorded;
      return event;
    };
    const records = [
      sqsRecord(at('future', '2099-01-01T00:00:00.000Z', '111111111111'), 'future'),
      sqsRecord(at('skewed', '2026-11-26T12:04:59.000Z', '123456789012'), 'skewed'),
    ];

    // Act
    const { batchItemFailures } = await processBatch(records, suite.harness.dependencies);

    // Assess
    expect(batchItemFailures).toEqual([]);
    expect(reasonsById()).toEqual({
      future: 'InvalidEventError: detail.newEvaluationResult.resultRecordedTime: expected a time from 2014-11-01T00:00:00.000Z (before AWS Config existed) '
        + 'to 2026-11-26T12:05:00.000Z (now plus 5 minutes of clock skew), got "2099-01-01T00:00:00.000Z"',
    });
    expect((await suite.harness.complianceItems()).map((item) => item.resource_id)).toEqual(['123456789012']);
  });
});
