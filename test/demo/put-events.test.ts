import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../demo/local/local-aws';
import { RecordingEndpoint, startRecordingEndpoint } from '../../demo/local/recording-endpoint';

// The real EventBridge client against the stand-in: JSON 1.1 protocol, AWSEvents.PutEvents.
let rec: RecordingEndpoint;
let events: EventBridgeClient;
beforeAll(async () => {
  rec = await startRecordingEndpoint();
  events = new EventBridgeClient({ endpoint: rec.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
});
beforeEach(() => rec.reset());
afterAll(async () => {
  events.destroy();
  await rec.close();
});

test('PutEvents answers one EventId per entry, in order, and records the entries with those ids', async () => {
  const entries = [
    { Source: 'monitoring.agent.config', DetailType: 'Config Rules Compliance Change', Detail: JSON.stringify({ event: { id: 'a' } }), EventBusName: 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring' },
    { Source: 'monitoring.agent.config', DetailType: 'Config Configuration Item Change', Detail: JSON.stringify({ event: { id: 'b' } }) },
  ];

  const reply = await events.send(new PutEventsCommand({ Entries: entries }));

  expect(reply.FailedEntryCount).toBe(0);
  expect(reply.Entries).toHaveLength(2);
  expect(rec.putEvents().map((e) => e.EventId)).toEqual(reply.Entries!.map((e) => e.EventId));
  expect(rec.putEvents().map(({ EventId, ...rest }) => rest)).toEqual(entries);
});

test('an injected throttle is retried by the SDK and the retry is recorded as accepted', async () => {
  rec.failNext(1, 'throttle', 'events');

  const reply = await events.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }));

  expect(reply.FailedEntryCount).toBe(0);
  expect(rec.calls.map((c) => [c.service, c.outcome])).toEqual([['events', 'throttle'], ['events', 'ok']]);
  expect(rec.putEvents()).toHaveLength(1);
});
