import { CENTRAL_BUS_ARN, complianceChanged, instanceCreated, oversizedResolvable } from './agent-samples';
import { buildEntry, entrySize, MAX_ENTRY_BYTES } from '../../../src/runtime/agent/agent-envelope';
import { parseEventBridgeEvent } from '../../../src/runtime/parsing/parse-event';

/** The entry wrapped as EventBridge delivers it to the master's rule. */
function delivered(entry: { Source?: string; DetailType?: string; Detail?: string; Resources?: string[]; Time?: Date }) {
  return {
    'version': '0',
    'id': 'delivered-1',
    'detail-type': entry.DetailType,
    'source': entry.Source,
    'account': '123456789012',
    'time': entry.Time?.toISOString(),
    'region': 'us-east-1',
    'resources': entry.Resources,
    'detail': JSON.parse(entry.Detail!),
  };
}

describe('buildEntry', () => {
  test('wraps the original event in the envelope of runtime-contract.md', () => {
    const original = instanceCreated();
    const outcome = buildEntry({ original, enrichment: { accountName: 'workloads-prod', labels: { team: 'platform' }, tags: { Name: 'ec2-instance-name' } } }, CENTRAL_BUS_ARN);
    expect(outcome.fits).toBe(true);
    if (!outcome.fits) return;
    expect(outcome.shrunk).toBe(false);
    expect(outcome.entry).toEqual({
      EventBusName: CENTRAL_BUS_ARN,
      Source: 'monitoring.agent.config',
      DetailType: 'Config Configuration Item Change',
      Resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-12345678901234567'],
      Time: new Date('2018-05-02T16:20:56Z'),
      Detail: expect.any(String),
    });
    expect(JSON.parse(outcome.entry.Detail!)).toEqual({
      schemaVersion: '1',
      event: original,
      enrichment: { accountName: 'workloads-prod', labels: { team: 'platform' }, tags: { Name: 'ec2-instance-name' } },
    });
  });

  test('leaves out empty labels and tags', () => {
    const outcome = buildEntry({ original: complianceChanged(), enrichment: { labels: {}, tags: {} } }, CENTRAL_BUS_ARN);
    expect(outcome.fits && JSON.parse(outcome.entry.Detail!).enrichment).toEqual({});
  });

  test('the master parses the entry exactly like the original event', () => {
    for (const original of [instanceCreated(), complianceChanged()]) {
      const outcome = buildEntry({ original, enrichment: { accountName: 'a' } }, CENTRAL_BUS_ARN);
      expect(outcome.fits && parseEventBridgeEvent(delivered(outcome.entry))).toEqual(parseEventBridgeEvent(original));
    }
  });

  test('computes the size as EventBridge does: 14 bytes of Time plus the UTF-8 bytes of the strings', () => {
    const entry = { Source: 'monitoring.agent.config', DetailType: 'Config Rules Compliance Change', Detail: '{"a":"é"}', Resources: ['arn:x'], Time: new Date() };
    expect(entrySize(entry)).toBe(14 + 23 + 30 + 10 + 5);
    expect(entrySize({ ...entry, Time: undefined, Resources: undefined })).toBe(23 + 30 + 10);
  });

  test('the budget stays under the 256 KB of aws-config-facts.md §H', () => {
    expect(MAX_ENTRY_BYTES).toBeLessThan(256 * 1024);
  });
});

describe('buildEntry: too large', () => {
  const { event, message } = oversizedResolvable();
  const tags = { Name: 'value' };
  const full = buildEntry({ original: event, resolvedDetail: message, enrichment: { accountName: 'prod', tags } }, CENTRAL_BUS_ARN);
  const summaryWithTags = buildEntry({ original: event, enrichment: { accountName: 'prod', tags } }, CENTRAL_BUS_ARN);
  const summaryOnly = buildEntry({ original: event, enrichment: { accountName: 'prod' } }, CENTRAL_BUS_ARN);

  test('forwards the resolved item when it fits', () => {
    expect(full.fits && JSON.parse(full.entry.Detail!).event.detail.messageType).toBe('ConfigurationItemChangeNotification');
  });

  test('falls back to the summary, with the resolved item\'s tags, when the item does not fit', () => {
    const outcome = buildEntry({ original: event, resolvedDetail: message, enrichment: { accountName: 'prod', tags } }, CENTRAL_BUS_ARN, summaryWithTags.size);
    expect(outcome.fits && outcome.shrunk).toBe(true);
    const detail = outcome.fits && JSON.parse(outcome.entry.Detail!);
    expect(detail.event.detail).toEqual(event.detail);
    expect(detail.enrichment).toEqual({ accountName: 'prod', tags });
  });

  test('then drops the tags, then the enrichment', () => {
    const noTags = buildEntry({ original: event, resolvedDetail: message, enrichment: { accountName: 'prod', tags } }, CENTRAL_BUS_ARN, summaryOnly.size);
    expect(noTags.fits && JSON.parse(noTags.entry.Detail!).enrichment).toEqual({ accountName: 'prod' });
    const bare = buildEntry({ original: event, resolvedDetail: message, enrichment: { accountName: 'prod', tags } }, CENTRAL_BUS_ARN, summaryOnly.size - 1);
    expect(bare.fits && JSON.parse(bare.entry.Detail!).enrichment).toEqual({});
  });

  test('reduces a full item to its summary, as Config does, and the master still parses its identity', () => {
    const original = instanceCreated();
    const bare = buildEntry({ original, enrichment: {} }, CENTRAL_BUS_ARN);
    const summarised = buildEntry({ original, enrichment: {} }, CENTRAL_BUS_ARN, bare.size - 1);
    expect(summarised.fits).toBe(true);
    if (!summarised.fits) return;
    const detail = JSON.parse(summarised.entry.Detail!).event.detail;
    expect(detail.messageType).toBe('OversizedConfigurationItemChangeNotification');
    expect(detail.configurationItemSummary).toEqual(expect.objectContaining({
      changeType: 'CREATE', resourceType: 'AWS::EC2::Instance', resourceId: 'i-12345678901234567', configurationStateId: 1525278055108,
    }));
    const parsed = parseEventBridgeEvent(delivered(summarised.entry));
    const fromOriginal = parseEventBridgeEvent(original);
    expect(parsed.kind === 'configuration-item' && fromOriginal.kind === 'configuration-item'
      && [parsed.item.resourceId, parsed.item.capturedAtMs, parsed.item.configurationItemStatus, parsed.item.sourceEventId])
      .toEqual(fromOriginal.kind === 'configuration-item' && [fromOriginal.item.resourceId, fromOriginal.item.capturedAtMs, 'ResourceDiscovered', original.id]);
  });

  test('reports what fits in no form', () => {
    const outcome = buildEntry({ original: complianceChanged(), enrichment: {} }, CENTRAL_BUS_ARN, 100);
    expect(outcome).toEqual({ fits: false, size: expect.any(Number) });
    expect(outcome.size).toBeGreaterThan(100);
  });
});
