import { parseEventBridgeEvent } from '../../../src/runtime/parsing/parse-event';
import { InvalidEventError } from '../../../src/runtime/parsing/parsed-event';
import { complianceChangeEvent, loadFixture } from '../../fixtures/aws-config/fixtures';
import { ssmFixture } from '../../fixtures/ssm/fixtures';

/** The samples' own era: the compliance change was recorded 2016-09-27T19:48:41Z, the EC2 item captured 2018-05-02. */
const NOW = Date.parse('2026-11-26T12:00:00Z');
/** MAX_CLOCK_SKEW_MS, written out: the test states the contract rather than reading it back. */
const FIVE_MINUTES = 300_000;

function reasonOf(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as InvalidEventError).reason;
  }
  throw new Error('expected an InvalidEventError');
}

const ec2Created = () => loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json');

describe('event times are bounded by now plus the clock skew and by the launch of AWS Config', () => {
  test('refuses an evaluation recorded in 2099, naming the field, the value and the bounds', () => {
    const event = complianceChangeEvent();
    event.detail.newEvaluationResult.resultRecordedTime = '2099-01-01T00:00:00Z';

    expect(reasonOf(() => parseEventBridgeEvent(event, NOW))).toBe(
      'detail.newEvaluationResult.resultRecordedTime: expected a time from 2014-11-01T00:00:00.000Z (before AWS Config existed) '
      + 'to 2026-11-26T12:05:00.000Z (now plus 5 minutes of clock skew), got "2099-01-01T00:00:00Z"',
    );
  });

  test('accepts an evaluation up to five minutes ahead of now, and refuses one a millisecond later', () => {
    const at = (iso: string) => {
      const event = complianceChangeEvent();
      event.detail.newEvaluationResult.resultRecordedTime = iso;
      return () => parseEventBridgeEvent(event, NOW);
    };

    const parsed = at('2026-11-26T12:05:00.000Z')();

    expect(parsed.kind === 'compliance' && parsed.result.evaluatedAtMs).toBe(NOW + FIVE_MINUTES);
    expect(reasonOf(at('2026-11-26T12:05:00.001Z'))).toMatch(/^detail\.newEvaluationResult\.resultRecordedTime: expected a time from/);
  });

  test('refuses every time an evaluation derives from or stores: ordering, invocation, notification and envelope times', () => {
    const withTimes = (change: (e: Record<string, any>) => void) => {
      const event = complianceChangeEvent();
      change(event);
      return reasonOf(() => parseEventBridgeEvent(event, NOW));
    };

    expect(withTimes((e) => { e.detail.newEvaluationResult.evaluationResultIdentifier.orderingTimestamp = '2030-01-01T00:00:00Z'; }))
      .toMatch(/^detail\.newEvaluationResult\.evaluationResultIdentifier\.orderingTimestamp: expected a time .* got "2030-01-01T00:00:00Z"$/);
    expect(withTimes((e) => { e.detail.newEvaluationResult.configRuleInvokedTime = '9999-12-31T23:59:59Z'; }))
      .toMatch(/^detail\.newEvaluationResult\.configRuleInvokedTime: expected a time/);
    expect(withTimes((e) => {
      delete e.detail.newEvaluationResult.resultRecordedTime;
      delete e.detail.newEvaluationResult.evaluationResultIdentifier.orderingTimestamp;
      e.detail.notificationCreationTime = '2099-01-01T00:00:00Z';
    })).toMatch(/^detail\.notificationCreationTime: expected a time/);
    expect(withTimes((e) => {
      delete e.detail.newEvaluationResult.resultRecordedTime;
      delete e.detail.newEvaluationResult.evaluationResultIdentifier.orderingTimestamp;
      delete e.detail.notificationCreationTime;
      e.time = '2099-01-01T00:00:00Z';
    })).toMatch(/^time: expected a time/);
  });

  test.each<[string, unknown]>([
    ['year 9999', '9999-12-31T23:59:59Z'],
    ['epoch 0', 0],
    ['epoch 0 as ISO', '1970-01-01T00:00:00.000Z'],
    ['a negative time', -1_000],
    ['a day before AWS Config', '2014-10-31T23:59:59Z'],
  ])('refuses a configuration item captured at %s', (_name, captured) => {
    const event = ec2Created();
    event.detail.configurationItem.configurationItemCaptureTime = captured;

    expect(reasonOf(() => parseEventBridgeEvent(event, NOW))).toMatch(
      new RegExp(`^detail\\.configurationItem\\.configurationItemCaptureTime: expected a time from .*, got ${JSON.stringify(captured).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    );
  });

  test('refuses a capture time that is not a date at all (as before)', () => {
    const event = ec2Created();
    event.detail.configurationItem.configurationItemCaptureTime = 'NaN';

    expect(reasonOf(() => parseEventBridgeEvent(event, NOW))).toMatch(/configurationItemCaptureTime: expected an ISO-8601 timestamp or epoch time, got "NaN"/);
  });

  test('refuses a remediation whose end or envelope time is in the future', () => {
    const ended = ssmFixture('remediation-failed.json');
    ended.detail.EndTime = 'Jan 1, 2099 1:00:00 AM';
    const sent = ssmFixture('remediation-failed.json');
    sent.time = '2099-01-01T00:00:00Z';

    expect(reasonOf(() => parseEventBridgeEvent(ended, NOW))).toMatch(/^detail\.EndTime: expected a time .* got "Jan 1, 2099 1:00:00 AM"$/);
    expect(reasonOf(() => parseEventBridgeEvent(sent, NOW))).toMatch(/^time: expected a time .* got "2099-01-01T00:00:00Z"$/);
  });

  test('accepts the real samples at the injected now', () => {
    expect(parseEventBridgeEvent(complianceChangeEvent(), NOW).kind).toBe('compliance');
    expect(parseEventBridgeEvent(ec2Created(), NOW).kind).toBe('configuration-item');
    expect(parseEventBridgeEvent(ssmFixture('remediation-failed.json'), NOW).kind).toBe('remediation');
  });
});
