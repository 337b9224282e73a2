import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { FleetCoverageOptions } from './fleet-coverage-options';
import { environmentJson } from '../../common/environment-json';
import { ACCOUNT_ID, ORGANIZATIONAL_UNIT_ID, REGION_NAME } from '../../common/validation';
import type { FleetCoverageSettings } from '../../contract/fleet-coverage-settings';

/** The settings leave room for the function's other variables within Lambda's 4 KB environment. */
const MAX_SETTINGS_BYTES = 3000;
const DEFAULT_GRACE_PERIOD = Duration.hours(24);

/** Checks the options and returns them as the `FLEET_COVERAGE` variable's JSON (tokens resolved at deploy time). */
export function fleetCoverageVariable(scope: IConstruct, options: FleetCoverageOptions): string {
  // Tokens: a CfnParameter, Stack.region; a placeholder is about as long as a region or an account id.
  return environmentJson(scope, fleetCoverageSettings(options), MAX_SETTINGS_BYTES, (bytes) =>
    `fleetCoverage lists too many accounts, OUs and regions (${bytes} bytes of settings, at most ${MAX_SETTINGS_BYTES}): `
    + 'they travel in the function\'s 4 KB environment; read the accounts from Organizations (fromOrganizations) instead of listing them');
}

function fleetCoverageSettings(options: FleetCoverageOptions): FleetCoverageSettings {
  const fromOrganizations = options.fromOrganizations ?? true;
  const lists = {
    regions: options.regions,
    organizationalUnitIds: options.organizationalUnitIds,
    accounts: options.accounts,
    excludedAccounts: options.excludedAccounts,
  };
  for (const [prop, list] of Object.entries(lists)) {
    // A CommaDelimitedList parameter's valueAsList: its length is unknown, and the check needs each entry.
    if (list !== undefined && Token.isUnresolved(list)) {
      throw new Error(`fleetCoverage.${prop} is a list token (such as CfnParameter.valueAsList), which the check cannot read entry by entry: `
        + 'write the list out, or one token per entry (CfnParameter.valueAsString)');
    }
  }
  const regions = checked('fleetCoverage.regions', options.regions, REGION_NAME, "region names such as 'eu-west-1'");
  if (regions.length === 0) {
    throw new Error('fleetCoverage.regions is empty: list the regions the agents are rolled out to, for example [\'eu-west-1\', \'us-east-1\']');
  }
  const organizationalUnitIds = checked('fleetCoverage.organizationalUnitIds', options.organizationalUnitIds ?? [],
    ORGANIZATIONAL_UNIT_ID, "OU ids ('ou-…-…') or root ids ('r-…') as Organizations prints them");
  const accounts = checked('fleetCoverage.accounts', options.accounts ?? [], ACCOUNT_ID, '12-digit account ids');
  const excludedAccounts = checked('fleetCoverage.excludedAccounts', options.excludedAccounts ?? [], ACCOUNT_ID, '12-digit account ids');
  if (!fromOrganizations && organizationalUnitIds.length > 0) {
    throw new Error('fleetCoverage.organizationalUnitIds needs fromOrganizations, got fromOrganizations: false: '
      + 'leave fromOrganizations at its default (true) to read the OUs, or list the accounts in fleetCoverage.accounts');
  }
  const both = accounts.find((account) => excludedAccounts.includes(account));
  if (both !== undefined) {
    throw new Error(`fleetCoverage lists '${both}' in both accounts and excludedAccounts: an account is either expected or not, remove it from one`);
  }
  if (!fromOrganizations && accounts.length === 0) {
    throw new Error('fleetCoverage expects no account: fromOrganizations is false and fleetCoverage.accounts is empty: '
      + 'list the accounts that should report, or read them from Organizations');
  }
  const grace = options.gracePeriodAfterJoin ?? DEFAULT_GRACE_PERIOD;
  const graceSeconds = grace.isUnresolved() ? 0 : grace.toSeconds({ integral: false });
  if (graceSeconds > Duration.days(30).toSeconds() || !Number.isInteger(graceSeconds)) {
    throw new Error(`fleetCoverage.gracePeriodAfterJoin must be a whole number of seconds up to 30 days, got ${grace.toHumanString()}: `
      + 'use Duration.hours() (the default, 24 hours, covers a StackSet deployment with room to spare)');
  }
  return { regions, fromOrganizations, organizationalUnitIds, accounts, excludedAccounts, graceSeconds: grace.toSeconds() };
}

/** The list without repeats; every resolved entry must match `pattern`. */
function checked(prop: string, values: string[], pattern: RegExp, what: string): string[] {
  for (const value of values) {
    if (!Token.isUnresolved(value) && !pattern.test(value)) throw new Error(`${prop} must hold only ${what}, got '${value}': correct or remove it`);
  }
  const repeated = values.find((value, index) => values.indexOf(value) !== index);
  if (repeated !== undefined) throw new Error(`${prop} lists '${repeated}' more than once: list each once`);
  return values;
}
