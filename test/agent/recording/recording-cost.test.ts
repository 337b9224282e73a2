import { Recording } from '../../../src/agent/recording/recording';
import { RecordingFrequency } from '../../../src/agent/recording/recording-strategy';

describe('Recording.estimateMonthlyCost', () => {
  test('continuous: items a day x 30 days x $0.003 (the reference organization: 200,000 a day is $18,000)', () => {
    expect(Recording.estimateMonthlyCost({ dailyItemChanges: 200_000 })).toBe(18_000);
    expect(Recording.estimateMonthlyCost({ dailyItemChanges: 500, frequency: RecordingFrequency.CONTINUOUS })).toBe(45);
  });

  test('daily: one item per changed resource a day x 30 x $0.012', () => {
    expect(Recording.estimateMonthlyCost({ dailyItemChanges: 500, frequency: RecordingFrequency.DAILY, resourcesChangedPerDay: 50 })).toBe(18);
  });

  test('daily costs four times continuous when every change is on a different resource', () => {
    expect(Recording.estimateMonthlyCost({ dailyItemChanges: 500, frequency: RecordingFrequency.DAILY })).toBe(180);
  });

  test('daily never counts more resources than changes', () => {
    expect(Recording.estimateMonthlyCost({ dailyItemChanges: 10, frequency: RecordingFrequency.DAILY, resourcesChangedPerDay: 40 })).toBe(3.6);
  });

  test('zero changes cost nothing; rounded to cents', () => {
    expect(Recording.estimateMonthlyCost({ dailyItemChanges: 0 })).toBe(0);
    expect(Recording.estimateMonthlyCost({ dailyItemChanges: 1 })).toBe(0.09);
  });

  test('fails when a count is negative or not finite', () => {
    expect(() => Recording.estimateMonthlyCost({ dailyItemChanges: -1 })).toThrow(/dailyItemChanges must be a finite number of at least 0, got -1/);
    expect(() => Recording.estimateMonthlyCost({ dailyItemChanges: 1, resourcesChangedPerDay: Number.NaN })).toThrow(/resourcesChangedPerDay/);
  });
});
