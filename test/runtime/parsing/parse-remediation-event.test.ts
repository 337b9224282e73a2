import { parseEventBridgeEvent } from '../../../src/runtime/parsing/parse-event';
import { parseSsmTime } from '../../../src/runtime/parsing/parse-remediation-event';
import { InvalidEventError } from '../../../src/runtime/parsing/parsed-event';
import { REMEDIATION_DOCUMENT, ssmFixture } from '../../fixtures/ssm/fixtures';

describe('parse automation execution status changes', () => {
  test('the AWS documentation example: times in its "Nov 29, 2024 7:43:23 PM" form, version 1.0 as "1"', () => {
    const parsed = parseEventBridgeEvent(ssmFixture('aws-docs-automation-execution-status-change.json'));

    expect(parsed).toEqual({
      kind: 'remediation',
      result: {
        account: '123456789012',
        region: 'us-east-2',
        executionId: '333ba70b-2333-48db-b17e-a5e69c6f4d1c',
        documentName: 'runcommand1',
        documentVersion: '1',
        status: 'Success',
        outcome: 'succeeded',
        startedAtMs: Date.parse('2024-11-29T19:43:23Z'),
        endedAtMs: Date.parse('2024-11-29T19:43:25Z'),
        eventTimeMs: Date.parse('2024-11-29T19:43:35Z'),
        executedBy: 'arn:aws:iam::123456789012:user/userName',
        sourceEventId: 'd290ece9-1088-4383-9df6-cd5b4ac42b99',
      },
    });
  });

  test.each([
    ['remediation-failed.json', 'Failed', 'failed'],
    ['remediation-timed-out.json', 'TimedOut', 'failed'],
    ['remediation-success.json', 'Success', 'succeeded'],
    ['remediation-in-progress.json', 'InProgress', 'in-progress'],
  ])('%s: status %s is %s', (file, status, outcome) => {
    const parsed = parseEventBridgeEvent(ssmFixture(file));
    expect(parsed).toMatchObject({ kind: 'remediation', result: { status, outcome, documentName: REMEDIATION_DOCUMENT } });
  });

  test('a running execution has no end time', () => {
    const parsed = parseEventBridgeEvent(ssmFixture('remediation-in-progress.json'));
    expect(parsed.kind === 'remediation' && parsed.result.endedAtMs).toBeUndefined();
  });

  test('in the agent envelope: the inner event is the truth, the hints name the rule when exactly one uses the document', () => {
    const event = ssmFixture('remediation-failed.json');
    const envelope = (remediation: unknown) => ({
      'source': 'monitoring.agent.config',
      'detail-type': event['detail-type'],
      'id': 'outer',
      // Set by EventBridge from the agent's credentials: the account stored.
      'account': event.account,
      'region': event.region,
      'detail': { schemaVersion: '1', event, enrichment: { remediation } },
    });

    const one = parseEventBridgeEvent(envelope({ configRuleNames: ['restricted-common-ports'], resourceTypes: ['AWS::EC2::SecurityGroup'] }));
    const two = parseEventBridgeEvent(envelope({ configRuleNames: ['a', 'b'], resourceTypes: ['AWS::EC2::SecurityGroup'] }));

    expect(one).toMatchObject({ result: { configRuleName: 'restricted-common-ports', resourceType: 'AWS::EC2::SecurityGroup', sourceEventId: event.id } });
    expect(two.kind === 'remediation' && two.result.configRuleName).toBeUndefined();
    expect(() => parseEventBridgeEvent(envelope({ configRuleNames: 'a' }))).toThrow(/detail\.enrichment\.remediation\.configRuleNames: expected a list/);
  });

  test('other SSM events are skipped, not failed', () => {
    const step = { ...ssmFixture('remediation-failed.json'), 'detail-type': 'EC2 Automation Step Status-change Notification' };
    expect(parseEventBridgeEvent(step)).toEqual({ kind: 'skipped', detailType: step['detail-type'], reason: 'unknown-detail-type' });
  });

  test.each([
    ['ExecutionId', { ExecutionId: undefined }, /detail\.ExecutionId: expected a non-empty string/],
    ['Definition', { Definition: 7 }, /detail\.Definition: expected a non-empty string, got 7/],
    ['Status', { Status: '' }, /detail\.Status/],
    ['StartTime', { StartTime: 'Feb 31, 2026 1:00:00 PM' }, /detail\.StartTime: expected a time such as/],
  ])('fails naming the field when %s is wrong', (_, change, message) => {
    const event = ssmFixture('remediation-failed.json');
    const bad = { ...event, detail: { ...event.detail, ...change } };
    expect(() => parseEventBridgeEvent(bad)).toThrow(InvalidEventError);
    expect(() => parseEventBridgeEvent(bad)).toThrow(message);
  });

  test('fails when the account is not 12 digits', () => {
    expect(() => parseEventBridgeEvent({ ...ssmFixture('remediation-failed.json'), account: 'x' })).toThrow(/account: expected a 12-digit/);
  });
});

describe('parseSsmTime', () => {
  test.each([
    ['Nov 29, 2024 7:43:23 PM', '2024-11-29T19:43:23.000Z'],
    ['Nov 29, 2024 12:05:00 AM', '2024-11-29T00:05:00.000Z'],
    ['Nov 29, 2024 12:05:00 PM', '2024-11-29T12:05:00.000Z'],
    ['2024-11-29T19:43:23Z', '2024-11-29T19:43:23.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(new Date(parseSsmTime(text, 'detail.StartTime')!).toISOString()).toBe(iso);
  });

  test('absent or empty is undefined; a bad hour fails', () => {
    expect(parseSsmTime(undefined, 'p')).toBeUndefined();
    expect(parseSsmTime('', 'p')).toBeUndefined();
    expect(() => parseSsmTime('Nov 29, 2024 13:00:00 PM', 'p')).toThrow(/p: expected a time/);
  });
});
