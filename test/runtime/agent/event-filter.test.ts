import {
  complianceChanged,
  evaluationStarted,
  firstNotApplicable,
  instanceCreated,
  oversizedInventory,
  relationshipsOnlyChanged,
  securityGroupsReplaced,
  settings,
} from './agent-samples';
import { decide } from '../../../src/runtime/agent/event-filter';
import { isSampledIn, samplingPoint } from '../../../src/runtime/agent/sampling';
import { parseEventBridgeEvent } from '../../../src/runtime/parsing/parse-event';

function decideFor(event: Record<string, any>, overrides: Parameters<typeof settings>[0] = {}) {
  return decide(parseEventBridgeEvent(event), event.id, settings(overrides));
}

/** Ids whose sampling point is below / above `rate`, found deterministically. */
function idsAround(rate: number): { kept: string; dropped: string } {
  let kept: string | undefined;
  let dropped: string | undefined;
  for (let i = 0; kept === undefined || dropped === undefined; i++) {
    const id = `0000000${i}-0000-4000-8000-000000000000`;
    if (samplingPoint(id) < rate) kept ??= id; else dropped ??= id;
  }
  return { kept, dropped };
}

describe('decide: resource types', () => {
  test('forwards everything by default', () => {
    for (const event of [instanceCreated(), complianceChanged(), securityGroupsReplaced(), oversizedInventory(), evaluationStarted()]) {
      expect(decideFor(event)).toEqual({ forward: true });
    }
  });

  test('includeResourceTypes keeps only the listed types, for items and compliance changes alike', () => {
    const only = { includeResourceTypes: ['AWS::EC2::Instance'] };
    expect(decideFor(instanceCreated(), only)).toEqual({ forward: true });
    expect(decideFor(complianceChanged(), only)).toEqual({ forward: false, reason: 'resource-type' });
    expect(decideFor(oversizedInventory(), only)).toEqual({ forward: false, reason: 'resource-type' });
  });

  test('excludeResourceTypes drops the listed types, the summary of an oversized item included', () => {
    const without = { excludeResourceTypes: ['AWS::SSM::ManagedInstanceInventory', 'AWS::::Account'] };
    expect(decideFor(oversizedInventory(), without)).toEqual({ forward: false, reason: 'resource-type' });
    expect(decideFor(complianceChanged(), without)).toEqual({ forward: false, reason: 'resource-type' });
    expect(decideFor(instanceCreated(), without)).toEqual({ forward: true });
  });

  test('status notifications name no resource and are forwarded whatever the type filters say', () => {
    expect(decideFor(evaluationStarted(), { includeResourceTypes: ['AWS::S3::Bucket'] })).toEqual({ forward: true });
  });
});

describe('decide: NOT_APPLICABLE', () => {
  test('drops a first NOT_APPLICABLE evaluation when asked', () => {
    expect(decideFor(firstNotApplicable(), { dropNotApplicable: true })).toEqual({ forward: false, reason: 'not-applicable' });
  });

  test('keeps it when not asked', () => {
    expect(decideFor(firstNotApplicable())).toEqual({ forward: true });
  });

  test('keeps a NOT_APPLICABLE that replaces another status, so the master never keeps a stale status', () => {
    const event = complianceChanged();
    event.detail.newEvaluationResult.complianceType = 'NOT_APPLICABLE';
    expect(event.detail.oldEvaluationResult.complianceType).toBe('NON_COMPLIANT');
    expect(decideFor(event, { dropNotApplicable: true })).toEqual({ forward: true });
  });

  test('keeps other statuses', () => {
    expect(decideFor(complianceChanged(), { dropNotApplicable: true })).toEqual({ forward: true });
  });
});

describe('decide: relationship-only changes', () => {
  test('drops an update whose diff names only relationships, when asked', () => {
    expect(decideFor(relationshipsOnlyChanged(), { dropRelationshipOnlyChanges: true })).toEqual({ forward: false, reason: 'relationship-only' });
    expect(decideFor(relationshipsOnlyChanged())).toEqual({ forward: true });
  });

  test('keeps an update that also changed the configuration', () => {
    expect(decideFor(securityGroupsReplaced(), { dropRelationshipOnlyChanges: true })).toEqual({ forward: true });
  });

  test('drops metadata-only paths and an update that names nothing', () => {
    const metadata = relationshipsOnlyChanged();
    metadata.detail.configurationItemDiff.changedProperties = { ConfigurationStateMd5Hash: { previousValue: 'a', updatedValue: 'b', changeType: 'UPDATE' } };
    const empty = relationshipsOnlyChanged();
    empty.detail.configurationItemDiff.changedProperties = {};
    expect(decideFor(metadata, { dropRelationshipOnlyChanges: true })).toEqual({ forward: false, reason: 'relationship-only' });
    expect(decideFor(empty, { dropRelationshipOnlyChanges: true })).toEqual({ forward: false, reason: 'relationship-only' });
  });

  test('keeps tag changes, unknown paths, creations, null diffs and oversized summaries', () => {
    const tags = relationshipsOnlyChanged();
    tags.detail.configurationItemDiff.changedProperties['Tags.0'] = { previousValue: null, updatedValue: { key: 'team' }, changeType: 'CREATE' };
    const unknown = relationshipsOnlyChanged();
    unknown.detail.configurationItemDiff.changedProperties = { 'SomethingNew.0': { changeType: 'UPDATE' } };
    const nullDiff = relationshipsOnlyChanged();
    nullDiff.detail.configurationItemDiff = null;
    for (const event of [tags, unknown, nullDiff, instanceCreated(), oversizedInventory()]) {
      expect(decideFor(event, { dropRelationshipOnlyChanges: true })).toEqual({ forward: true });
    }
  });

  test('never drops a deletion, even with a relationship-only diff', () => {
    const deleted = relationshipsOnlyChanged();
    deleted.detail.configurationItem.configurationItemStatus = 'ResourceDeleted';
    deleted.detail.configurationItem.configuration = null;
    expect(decideFor(deleted, { dropRelationshipOnlyChanges: true, samplingRates: { 'AWS::EC2::Instance': 0 } })).toEqual({ forward: true });
  });
});

describe('decide: sampling', () => {
  test('drops configuration-item changes of a sampled type whose id hashes above the rate, keeps those below', () => {
    const { kept, dropped } = idsAround(0.5);
    const rates = { samplingRates: { 'AWS::EC2::Instance': 0.5 } };
    expect(decideFor({ ...instanceCreated(), id: kept }, rates)).toEqual({ forward: true });
    expect(decideFor({ ...instanceCreated(), id: dropped }, rates)).toEqual({ forward: false, reason: 'sampled-out' });
  });

  test('the same id gets the same decision every time (a redelivery is never decided differently)', () => {
    const rates = { samplingRates: { 'AWS::EC2::Instance': 0.3 } };
    const first = decideFor(instanceCreated(), rates);
    for (let i = 0; i < 5; i++) expect(decideFor(instanceCreated(), rates)).toEqual(first);
  });

  test('rate 0 forwards none, rate 1 forwards all, other types are not sampled', () => {
    expect(decideFor(instanceCreated(), { samplingRates: { 'AWS::EC2::Instance': 0 } })).toEqual({ forward: false, reason: 'sampled-out' });
    expect(decideFor(instanceCreated(), { samplingRates: { 'AWS::EC2::Instance': 1 } })).toEqual({ forward: true });
    expect(decideFor(instanceCreated(), { samplingRates: { 'AWS::S3::Bucket': 0 } })).toEqual({ forward: true });
  });

  test('compliance changes are never sampled', () => {
    expect(decideFor(complianceChanged(), { samplingRates: { 'AWS::::Account': 0 } })).toEqual({ forward: true });
  });

  test('the share kept is close to the rate over many ids', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `evt-${i}`);
    const kept = ids.filter((id) => isSampledIn(id, 0.1)).length;
    expect(kept).toBeGreaterThan(900);
    expect(kept).toBeLessThan(1100);
  });
});
