import type { CheckAccountActivityMetric } from '../../contract/metric-names';
import { emfDocument } from '../observability/metrics';
import { readAccountActivityItems } from '../store/account-activity-items';
import type { AccountActivityItem } from '../store/account-activity-keys';

/**
 * Fleet coverage: which accounts and regions should report, which do, and which never did or went silent.
 *
 * Expected: the active accounts of the organization (optionally only those under some OUs, nested OUs included) ×
 * the governed regions, and/or an explicit list. Seen: the per-account activity items the event handler keeps (four
 * known partitions of the compliance table, read with Query: never a Scan of the table).
 *
 * Cost per run, read side: Organizations list calls are free and page 20 items (10,000 accounts: 500 ListAccounts
 * calls, a few seconds); the activity items are ~200 bytes, so 10,000 accounts × 4 regions is ~8 MB of Query, about
 * 1,000 read request units (eventually consistent), a few hundredths of a US cent on demand. 100 accounts: 5 calls
 * and 80 KB, effectively nothing.
 */

/** An account as Organizations lists it (ListAccounts, ListAccountsForParent). */
export interface OrganizationsAccount {
  readonly Id?: string;
  readonly Name?: string;
  /** Since 2025: PENDING_ACTIVATION | ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED. */
  readonly State?: string;
  /** Deprecated for State: ACTIVE | SUSPENDED | PENDING_CLOSURE. */
  readonly Status?: string;
  readonly JoinedTimestamp?: Date | string;
}

/** One page of accounts. */
export interface AccountsPage {
  readonly Accounts?: OrganizationsAccount[];
  readonly NextToken?: string;
}

/** One page of child OUs (ListChildren with ChildType ORGANIZATIONAL_UNIT). */
export interface ChildrenPage {
  readonly Children?: { readonly Id?: string; readonly Type?: string }[];
  readonly NextToken?: string;
}

/**
 * The three Organizations calls the check makes, as the AWS SDK's `OrganizationsClient` answers them; a delegated
 * administrator may make them (`organizations:ListAccounts`, `ListAccountsForParent`, `ListChildren`).
 */
export interface OrganizationsApi {
  listAccounts(input: { NextToken?: string; MaxResults?: number }): Promise<AccountsPage>;
  listAccountsForParent(input: { ParentId: string; NextToken?: string; MaxResults?: number }): Promise<AccountsPage>;
  listChildren(input: { ParentId: string; ChildType: 'ORGANIZATIONAL_UNIT'; NextToken?: string; MaxResults?: number }): Promise<ChildrenPage>;
}

/** The most Organizations list APIs return per page. */
export const ORGANIZATIONS_PAGE_SIZE = 20;

/** An account that should report. */
export interface ExpectedAccount {
  readonly account: string;
  readonly name?: string;
  /** Epoch milliseconds it joined the organization, when known. */
  readonly joinedMs?: number;
}

/** Options of `expectedAccounts()`. */
export interface ExpectedAccountsOptions {
  /** Only accounts under these OUs (or roots), nested OUs included. @default - every account of the organization */
  readonly organizationalUnitIds?: readonly string[];
  /** Accounts that should report whatever Organizations says (another organization, a list kept by hand). */
  readonly additionalAccounts?: readonly string[];
  /** Accounts never expected (the management account when it runs no agent, suspended sandboxes). */
  readonly excludedAccounts?: readonly string[];
  /** The most list calls one run makes: a bound on its cost, whatever the organization's size. @default 2000 */
  readonly maxCalls?: number;
  /**
   * Epoch milliseconds after which no list call starts: the function's timeout less a margin, so that a slow
   * (throttled) reading ends as `truncated` with its metrics written instead of as a timeout. @default - none
   */
  readonly deadlineMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The expected accounts, and whether the reading stopped at `maxCalls` or `deadlineMs`. */
export interface ExpectedAccounts {
  readonly accounts: ExpectedAccount[];
  readonly calls: number;
  /** True when `maxCalls` or `deadlineMs` stopped the reading: the list is partial and "never reported" must not be trusted. */
  readonly truncated: boolean;
}

function isActive(account: OrganizationsAccount): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}

function joinedMs(account: OrganizationsAccount): number | undefined {
  if (account.JoinedTimestamp === undefined) return undefined;
  const ms = new Date(account.JoinedTimestamp).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Reads the accounts that should report: active ones, every page (empty pages with a NextToken included); with no
 * `api`, no Organizations call, only `additionalAccounts`.
 */
export async function expectedAccounts(api: OrganizationsApi | undefined, options: ExpectedAccountsOptions = {}): Promise<ExpectedAccounts> {
  const maxCalls = options.maxCalls ?? 2000;
  const now = options.now ?? Date.now;
  let calls = 0;
  const outOfBudget = () => calls >= maxCalls || (options.deadlineMs !== undefined && now() >= options.deadlineMs);
  let truncated = false;
  const found = new Map<string, ExpectedAccount>();
  const take = (page: AccountsPage) => {
    for (const account of page.Accounts ?? []) {
      if (account.Id !== undefined && isActive(account)) {
        found.set(account.Id, { account: account.Id, name: account.Name, joinedMs: joinedMs(account) });
      }
    }
  };
  /** Every page of one list call; false when the budget ran out. */
  const paginate = async <P extends { NextToken?: string }>(call: (token?: string) => Promise<P>, onPage: (page: P) => void): Promise<boolean> => {
    let token: string | undefined;
    do {
      if (outOfBudget()) return false;
      calls += 1;
      const page = await call(token);
      onPage(page);
      token = page.NextToken;
    } while (token);
    return true;
  };

  // Without an api, the explicit list alone.
  if (api !== undefined && options.organizationalUnitIds === undefined) {
    truncated = !await paginate((token) => api.listAccounts({ NextToken: token, MaxResults: ORGANIZATIONS_PAGE_SIZE }), take);
  } else if (api !== undefined) {
    // Breadth first over the OU tree: accounts of each OU, then its child OUs.
    const queue = [...new Set(options.organizationalUnitIds)];
    const visited = new Set<string>();
    while (queue.length > 0 && !truncated) {
      const parent = queue.shift()!;
      if (visited.has(parent)) continue;
      visited.add(parent);
      const page = { NextToken: undefined as string | undefined, MaxResults: ORGANIZATIONS_PAGE_SIZE };
      truncated = !await paginate((token) => api.listAccountsForParent({ ...page, ParentId: parent, NextToken: token }), take)
        || !await paginate((token) => api.listChildren({ ...page, ParentId: parent, ChildType: 'ORGANIZATIONAL_UNIT', NextToken: token }),
          (children) => queue.push(...(children.Children ?? []).map((child) => child.Id).filter((id): id is string => id !== undefined)));
    }
  }
  for (const account of options.additionalAccounts ?? []) {
    if (!found.has(account)) found.set(account, { account });
  }
  for (const account of options.excludedAccounts ?? []) found.delete(account);
  return { accounts: [...found.values()].sort((a, b) => a.account.localeCompare(b.account)), calls, truncated };
}

/** Every account and region the master has seen (its account-activity items). */
export const seenAccountRegions = readAccountActivityItems;

/** An account and region, with what is known of its last report. */
export interface AccountRegion {
  readonly account: string;
  readonly region: string;
  readonly name?: string;
  /** ISO time of the newest event, for silent ones. */
  readonly lastEventAt?: string;
}

/** What the coverage check found. */
export interface FleetCoverage {
  /** Expected accounts × regions. */
  readonly expected: number;
  /** Expected, and reported within `silentAfterMs`. */
  readonly reporting: number;
  /** Expected, never reported (past the grace period after joining). */
  readonly neverReported: AccountRegion[];
  /** Expected, reported once, silent for longer than `silentAfterMs`. */
  readonly silent: AccountRegion[];
  /** Expected accounts that joined within the grace period and have not reported yet. */
  readonly pending: AccountRegion[];
  /** Reporting accounts and regions nobody expects (left the organization, a region not governed). */
  readonly unexpected: AccountRegion[];
  /** The expected list is partial (see `ExpectedAccounts.truncated`): neverReported is not to be trusted. */
  readonly truncated: boolean;
}

/** Options of `compareCoverage()`. */
export interface CoverageOptions {
  /** The governed regions: each expected account should report from each. */
  readonly regions: readonly string[];
  /** How long without an event makes a seen account and region silent. */
  readonly silentAfterMs: number;
  /** How long a newly joined account has to start reporting (StackSets deploys it within minutes). @default 24 hours */
  readonly graceAfterJoinMs?: number;
  readonly nowMs?: number;
}

/** Compares the expected fleet with the accounts and regions seen. */
export function compareCoverage(expected: ExpectedAccounts, seen: readonly AccountActivityItem[], options: CoverageOptions): FleetCoverage {
  const nowMs = options.nowMs ?? Date.now();
  const grace = options.graceAfterJoinMs ?? 24 * 3600_000;
  const seenByKey = new Map(seen.map((item) => [`${item.account}#${item.region}`, item]));
  const expectedKeys = new Set<string>();
  const neverReported: AccountRegion[] = [];
  const silent: AccountRegion[] = [];
  const pending: AccountRegion[] = [];
  let reporting = 0;
  for (const { account, name, joinedMs: joined } of expected.accounts) {
    for (const region of options.regions) {
      const key = `${account}#${region}`;
      expectedKeys.add(key);
      const item = seenByKey.get(key);
      if (item === undefined) {
        if (joined !== undefined && nowMs - joined < grace) pending.push({ account, region, name });
        else neverReported.push({ account, region, name });
      } else if (nowMs - item.last_event_ms > options.silentAfterMs) {
        silent.push({ account, region, name, lastEventAt: item.last_event_at });
      } else {
        reporting += 1;
      }
    }
  }
  const unexpected = seen.filter((item) => !expectedKeys.has(`${item.account}#${item.region}`))
    .map((item) => ({ account: item.account, region: item.region, lastEventAt: item.last_event_at }));
  const byKey = (a: AccountRegion, b: AccountRegion) => `${a.account}#${a.region}`.localeCompare(`${b.account}#${b.region}`);
  return {
    expected: expectedKeys.size,
    reporting,
    neverReported: neverReported.sort(byKey),
    silent: silent.sort(byKey),
    pending: pending.sort(byKey),
    unexpected: unexpected.sort(byKey),
    truncated: expected.truncated,
  };
}

/** The coverage as CloudWatch embedded metrics: a handful of counts whatever the fleet's size (no per-account dimension). */
export function coverageEmf(coverage: FleetCoverage, functionName: string, nowMs = Date.now()): Record<string, unknown> {
  return {
    ...emfDocument<CheckAccountActivityMetric>(functionName, {
      ExpectedAccountRegions: coverage.expected,
      ReportingAccountRegions: coverage.reporting,
      NeverReportedAccountRegions: coverage.neverReported.length,
      SilentExpectedAccountRegions: coverage.silent.length,
      CoverageListTruncated: coverage.truncated ? 1 : 0,
    }, nowMs),
    // Not metrics (no dimension, no cost): who, for the log line and Logs Insights; bounded for 10,000 accounts.
    neverReported: coverage.neverReported.slice(0, 100),
    silent: coverage.silent.slice(0, 100),
  };
}
