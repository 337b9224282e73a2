import { Duration } from 'aws-cdk-lib';

/**
 * Which accounts and regions should report to the master: the master compares them every hour with the accounts and
 * regions it has seen, and reports those that never reported (`NeverReportedAccountRegions`, the never-reported
 * alarm) and those gone silent, on the dashboard, in the daily report and on the compliance API's `/coverage` route.
 *
 * With `fromOrganizations` (the default) the master reads the organization's active accounts, so a new account is
 * expected as soon as it joins: it must run in the management account or in a delegated administrator account of
 * any AWS service (Organizations lets those list accounts and OUs).
 */
export interface FleetCoverageOptions {
  /**
   * The regions every expected account should report from: the regions the agents are rolled out to.
   */
  readonly regions: string[];

  /**
   * Read the expected accounts from AWS Organizations: its active accounts (suspended and closed ones are not
   * expected), under `organizationalUnitIds` when given.
   *
   * @default true
   */
  readonly fromOrganizations?: boolean;

  /**
   * Only the accounts under these OUs or roots (`ou-…`, `r-…`), nested OUs included.
   *
   * @default - every account of the organization
   */
  readonly organizationalUnitIds?: string[];

  /**
   * Accounts expected whatever Organizations says: accounts of another organization, or the whole list when
   * `fromOrganizations` is false. At most about 200 (they travel in the function's 4 KB environment); for more, use
   * Organizations.
   *
   * @default - none
   */
  readonly accounts?: string[];

  /**
   * Accounts never expected: the management account when it runs no agent, the master's own account, sandboxes.
   *
   * @default - none
   */
  readonly excludedAccounts?: string[];

  /**
   * How long an account that joined the organization has to start reporting before it counts as never reported
   * (a StackSet with auto-deployment deploys the agent within minutes of the move into a target OU).
   *
   * @default Duration.hours(24)
   */
  readonly gracePeriodAfterJoin?: Duration;
}
