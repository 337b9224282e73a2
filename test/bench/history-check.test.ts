import { checkHistory } from '../../bench/realistic';
import { CI_CHANGE, type Workload } from '../../bench/workload';

const AT = Date.parse('2026-12-01T10:00:00.000Z');

function change(id: string, status: string, ms: number) {
  return {
    'detail-type': CI_CHANGE,
    'detail': { configurationItem: { awsAccountId: '111111111111', resourceType: 'AWS::EC2::Volume', resourceId: id, configurationItemStatus: status, configurationItemCaptureTime: new Date(ms).toISOString() } },
  };
}

function record(id: string, ms: number) {
  return { config_item_type: 'ConfigurationItemChange', account: '111111111111', resource_type: 'AWS::EC2::Volume', resource_id: id, event_time: new Date(ms).toISOString() };
}

// Two changes of one volume, then its deletion; another volume changed once.
const workload = { events: [change('vol-1', 'OK', AT), change('vol-1', 'ResourceDeleted', AT + 1000), change('vol-2', 'OK', AT)] } as unknown as Workload;

describe('the bench judges the configuration-item history by the setting', () => {
  test('NONE: exactly the deletions is correct', () => {
    expect(checkHistory([record('vol-1', AT + 1000)], workload, 'NONE').correct).toBe(true);
  });

  test('NONE: a change other than a deletion, or a missing deletion, is wrong', () => {
    expect(checkHistory([record('vol-1', AT + 1000), record('vol-2', AT)], workload, 'NONE').correct).toBe(false);
    expect(checkHistory([], workload, 'NONE').correct).toBe(false);
  });

  test('ALL: every change once is correct; one missing or twice is wrong', () => {
    const all = [record('vol-1', AT), record('vol-1', AT + 1000), record('vol-2', AT)];
    expect(checkHistory(all, workload, 'ALL').correct).toBe(true);
    expect(checkHistory(all.slice(1), workload, 'ALL').correct).toBe(false);
    expect(checkHistory([...all, record('vol-2', AT)], workload, 'ALL').correct).toBe(false);
  });
});
