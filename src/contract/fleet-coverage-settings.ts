import type { EnvironmentVariable } from './environment-variable';

/**
 * What the master's fleet coverage check compares the seen accounts with, as the construct writes it into the
 * `FLEET_COVERAGE` variable of CheckAccountActivity (JSON; empty when the check is off).
 */
export interface FleetCoverageSettings {
  /** The governed regions: every expected account should report from each. */
  readonly regions: string[];
  /** Read the expected accounts from AWS Organizations (active accounts only). */
  readonly fromOrganizations: boolean;
  /** Only the accounts under these OUs or roots, nested OUs included; empty for the whole organization. */
  readonly organizationalUnitIds: string[];
  /** Accounts expected whatever Organizations says. */
  readonly accounts: string[];
  /** Accounts never expected. */
  readonly excludedAccounts: string[];
  /** How long a newly joined account has to start reporting, in seconds. */
  readonly graceSeconds: number;
}

/** The CheckAccountActivity variable that holds the settings: unset fails, empty means off, anything else is parsed. */
export function fleetCoverageSettings(name: string): EnvironmentVariable<FleetCoverageSettings | undefined> {
  return {
    name,
    read: (raw, functionName) => {
      if (raw === undefined) {
        throw new Error(`environment variable ${name} is not set (${functionName}): the function must be deployed by its construct`);
      }
      if (raw === '') return undefined;
      return parseSettings(raw, name, functionName);
    },
  };
}

function parseSettings(raw: string, name: string, functionName: string): FleetCoverageSettings {
  const fail = (why: string) => new Error(`environment variable ${name} (${functionName}) ${why}: the function must be deployed by its construct`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw fail('is not JSON');
  }
  const settings = value as Partial<Record<keyof FleetCoverageSettings, unknown>>;
  const strings = (field: keyof FleetCoverageSettings): string[] => {
    const list = settings[field];
    if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) throw fail(`has no list of strings '${field}'`);
    return list;
  };
  if (typeof settings.fromOrganizations !== 'boolean') throw fail("has no boolean 'fromOrganizations'");
  if (typeof settings.graceSeconds !== 'number' || !Number.isInteger(settings.graceSeconds) || settings.graceSeconds < 0) {
    throw fail("has no whole number of seconds 'graceSeconds'");
  }
  const regions = strings('regions');
  if (regions.length === 0) throw fail('lists no region');
  return {
    regions,
    fromOrganizations: settings.fromOrganizations,
    organizationalUnitIds: strings('organizationalUnitIds'),
    accounts: strings('accounts'),
    excludedAccounts: strings('excludedAccounts'),
    graceSeconds: settings.graceSeconds,
  };
}
