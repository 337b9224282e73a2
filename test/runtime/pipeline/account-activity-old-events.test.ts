import { checkAccountActivity } from '../../../src/runtime/activity/check-account-activity';
import { AccountActivityRecorder, activityWriteIntervalMs } from '../../../src/runtime/pipeline/account-activity-recorder';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

// Review of cf65d5b: a container skips an account-region another container recorded within the interval, judging
// by the write's time (recorded_at_ms). But that write may have carried an old event (a record redelivered after
// failures, a DLQ redrive, a backlog): then the account's stored last_event_ms stays old while this container drops
// a fresh event, and the check calls an active account silent until the interval runs out. NOT FIXED: judging the
// skip by last_event_ms (and remembering the event time written rather than now) fixes this test but breaks the
// write budget of account-activity-containers.test.ts (24 h / interval + 2 per account-region) at 5 and 20 containers.

const T0 = Date.parse('2026-11-26T00:00:00.000Z');
const MINUTE = 60_000;
const PERIOD = 60 * MINUTE;

let db: LocalDynamoDb;
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());

test('an account with an event 10 minutes ago is not silent when another container just recorded an old, redelivered event of it', async () => {
  const { complianceTable } = await db.createTables();
  let now = T0;
  const options = { now: () => now, writeIntervalMs: activityWriteIntervalMs(PERIOD), sleep: async () => undefined };
  const x = new AccountActivityRecorder(db.documentClient, complianceTable, options);
  const y = new AccountActivityRecorder(db.documentClient, complianceTable, options);
  // Container X: a record 50 minutes old, redelivered after failures (or redriven from the DLQ).
  await x.record([{ account: '123456789012', region: 'eu-west-1', eventTimeMs: T0 - 50 * MINUTE }]);
  // Container Y, a minute later: a fresh event of the same account-region.
  now = T0 + MINUTE;
  await y.record([{ account: '123456789012', region: 'eu-west-1', eventTimeMs: now }]);
  // The hourly check, 10 minutes after that fresh event.
  now = T0 + 11 * MINUTE;
  const result = await checkAccountActivity(db.documentClient, complianceTable, { silentAfterMs: PERIOD, nowMs: now });
  expect(result.silentAccounts).toEqual([]);
});
