import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { coverageSnapshot, writeCoverageSnapshot } from './coverage-snapshot';
import { compareCoverage, coverageEmf, expectedAccounts, type ExpectedAccounts, type FleetCoverage, type OrganizationsApi } from './fleet-coverage';
import type { FleetCoverageSettings } from '../../contract/fleet-coverage-settings';
import type { AccountActivityItem } from '../store/account-activity-keys';

/** What one coverage run needs; the handler builds it from its environment and the activity items it already read. */
export interface FleetCoverageRun {
  readonly settings: FleetCoverageSettings;
  /** Required when `settings.fromOrganizations`. */
  readonly organizations?: OrganizationsApi;
  readonly seen: readonly AccountActivityItem[];
  readonly silentAfterMs: number;
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly functionName: string;
  readonly nowMs?: number;
  /** Epoch milliseconds after which no Organizations call starts (see `ExpectedAccountsOptions.deadlineMs`). @default - none */
  readonly deadlineMs?: number;
  /** @default stdout, one line */
  readonly sink?: (line: string) => void;
}

/**
 * One run: the expected accounts (Organizations and/or the explicit list), compared with the seen ones, written as
 * one EMF line (counts as metrics, the first names as plain fields), then stored as the snapshot: the metrics first,
 * so a failed write cannot hide them from the alarms. A failed Organizations read throws, so the run shows in the
 * function's Errors (and its alarm) and is retried; the snapshot of the previous run stays.
 */
export async function runFleetCoverage(run: FleetCoverageRun): Promise<FleetCoverage> {
  const nowMs = run.nowMs ?? Date.now();
  const expected = await readExpected(run);
  const coverage = compareCoverage(expected, run.seen, {
    regions: run.settings.regions,
    silentAfterMs: run.silentAfterMs,
    graceAfterJoinMs: run.settings.graceSeconds * 1000,
    nowMs,
  });
  const sink = run.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  sink(JSON.stringify({ level: 'INFO', message: 'fleet coverage checked', organizationsCalls: expected.calls, ...coverageEmf(coverage, run.functionName, nowMs) }));
  await writeCoverageSnapshot(run.client, run.tableName, coverageSnapshot(coverage, nowMs));
  return coverage;
}

async function readExpected(run: FleetCoverageRun): Promise<ExpectedAccounts> {
  const { settings } = run;
  if (settings.fromOrganizations && run.organizations === undefined) {
    throw new Error('fleet coverage reads Organizations but was given no Organizations client');
  }
  return expectedAccounts(settings.fromOrganizations ? run.organizations : undefined, {
    additionalAccounts: settings.accounts,
    excludedAccounts: settings.excludedAccounts,
    deadlineMs: run.deadlineMs,
    organizationalUnitIds: settings.organizationalUnitIds.length > 0 ? settings.organizationalUnitIds : undefined,
  });
}
