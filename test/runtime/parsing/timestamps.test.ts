import { InvalidEventError } from '../../../src/runtime/parsing/parsed-event';
import { parseOptionalTimestampMs, parseTimestampMs, toIsoTimestamp } from '../../../src/runtime/parsing/timestamps';
import { loadFixture } from '../../fixtures/aws-config/fixtures';

describe('parseTimestampMs', () => {
  test('parses ISO-8601 with milliseconds, as Config notifications write it', () => {
    // Prepare
    const value = '2018-05-02T16:20:55.108Z';

    // Act
    const ms = parseTimestampMs(value, 'configurationItemCaptureTime');

    // Assess
    expect(ms).toBe(1525278055108);
  });

  test('parses ISO-8601 without milliseconds, as EventBridge envelopes write it', () => {
    expect(parseTimestampMs('2018-05-02T16:20:56Z', 'time')).toBe(1525278056000);
  });

  test('parses the one-digit fraction of the Lambda console template', () => {
    // Prepare: the real template's invokingEvent is a JSON string.
    const invokingEvent = JSON.parse(loadFixture('rule-invocation/lambda-console-template-periodic.json').invokingEvent);

    // Act
    const ms = parseTimestampMs(invokingEvent.notificationCreationTime, 'notificationCreationTime');

    // Assess
    expect(invokingEvent.notificationCreationTime).toBe('1970-01-01T00:00:00.0Z');
    expect(ms).toBe(0);
  });

  test('parses four fraction digits and a colon-less offset, as the 2014 docs write them', () => {
    expect(parseTimestampMs('2014-02-27T21:43:53.0885+0000', 'createTime')).toBe(Date.UTC(2014, 1, 27, 21, 43, 53, 88));
    expect(parseTimestampMs('2014-02-27T23:43:53.088+02:00', 'createTime')).toBe(Date.UTC(2014, 1, 27, 21, 43, 53, 88));
  });

  test('parses negative and hour-only offsets', () => {
    expect(parseTimestampMs('2014-02-27T16:43:53-05:00', 'x')).toBe(Date.UTC(2014, 1, 27, 21, 43, 53));
    expect(parseTimestampMs('2014-02-27T23:43:53+02', 'x')).toBe(Date.UTC(2014, 1, 27, 21, 43, 53));
  });

  test('parses a time without zone as UTC', () => {
    expect(parseTimestampMs('2016-09-27T19:48:41.405', 'resultRecordedTime')).toBe(Date.UTC(2016, 8, 27, 19, 48, 41, 405));
  });

  test('parses the epoch-second floats of the Config API wire format', () => {
    // Prepare
    const response = loadFixture('api-responses/awscli-example-GetComplianceDetailsByConfigRule.json');
    const recorded = response.EvaluationResults[0].ResultRecordedTime;

    // Act
    const ms = parseTimestampMs(recorded, 'ResultRecordedTime');

    // Assess
    expect(recorded).toBe(1450314645.261);
    expect(ms).toBe(1450314645261);
    expect(toIsoTimestamp(ms)).toBe('2015-12-17T01:10:45.261Z');
  });

  test('parses epoch milliseconds, numeric strings and Dates', () => {
    expect(parseTimestampMs(1525278055108, 'x')).toBe(1525278055108);
    expect(parseTimestampMs('1450314645.261', 'x')).toBe(1450314645261);
    expect(parseTimestampMs(new Date(1525278055108), 'x')).toBe(1525278055108);
  });

  test('parses numbers in the unit the caller names', () => {
    expect(parseTimestampMs(1000, 'x', 'milliseconds')).toBe(1000);
    expect(parseTimestampMs(1000, 'x', 'seconds')).toBe(1_000_000);
  });

  test.each([
    ['an empty string', ''],
    ['free text', 'yesterday'],
    ['an impossible date', '2024-02-31T00:00:00Z'],
    ['an impossible hour', '2024-02-01T24:00:00Z'],
    ['an object', { seconds: 1 }],
    ['a boolean', true],
    ['NaN', Number.NaN],
    ['a time beyond the Date range', 1e20],
    ['an invalid Date', new Date('nope')],
  ])('fails when the value is %s', (_name, value) => {
    expect(() => parseTimestampMs(value, 'newEvaluationResult.resultRecordedTime')).toThrow(InvalidEventError);
    expect(() => parseTimestampMs(value, 'newEvaluationResult.resultRecordedTime')).toThrow(/^newEvaluationResult\.resultRecordedTime: expected/);
  });

  test('fails when the value is missing', () => {
    expect(() => parseTimestampMs(undefined, 'time')).toThrow('time: expected an ISO-8601 timestamp or epoch time, got undefined');
  });
});

describe('parseOptionalTimestampMs', () => {
  test('parses missing and null as undefined', () => {
    expect(parseOptionalTimestampMs(undefined, 'x')).toBeUndefined();
    expect(parseOptionalTimestampMs(null, 'x')).toBeUndefined();
  });

  test('fails when a present value is unreadable', () => {
    expect(() => parseOptionalTimestampMs('soon', 'orderingTimestamp')).toThrow('orderingTimestamp: expected an ISO-8601 timestamp or epoch time, got "soon"');
  });
});
