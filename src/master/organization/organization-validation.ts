import { Token } from 'aws-cdk-lib';

// AWS Config's own limits for organization rules and conformance packs, checked at synth so that a deployment
// does not fail (and roll back) in the management account. Unresolved tokens are CloudFormation's to check.
// Source: Config API reference, PutOrganizationConfigRule and PutOrganizationConformancePack.

/** ExcludedAccounts: at most 1,000 account ids. */
export const MAX_EXCLUDED_ACCOUNTS = 1000;

/** Organization Config rules per organization. */
export const MAX_ORGANIZATION_RULES = 150;

export function resolved(value: unknown): boolean {
  return !Token.isUnresolved(value);
}

/** Throws when a resolved string is longer than `max` characters or shorter than `min`. */
export function validateLength(prop: string, value: string | undefined, min: number, max: number, fix: string): void {
  if (value === undefined || !resolved(value)) return;
  if (value.length < min || value.length > max) {
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    throw new Error(`${prop} must be ${min} to ${max} characters long, got ${value.length} ('${shown}'): ${fix}`);
  }
}

/** Throws when a resolved string does not match `pattern`. */
export function validatePattern(prop: string, value: string | undefined, pattern: RegExp, rule: string, fix: string): void {
  if (value === undefined || !resolved(value)) return;
  if (!pattern.test(value)) throw new Error(`${prop} must ${rule}, got '${value}': ${fix}`);
}

/** Excluded accounts: 12-digit ids, no duplicates, at most 1,000. */
export function validateAccountList(prop: string, accounts: readonly string[] | undefined): void {
  if (accounts === undefined || !resolved(accounts)) return;
  if (accounts.length > MAX_EXCLUDED_ACCOUNTS) {
    throw new Error(`${prop} takes at most ${MAX_EXCLUDED_ACCOUNTS} accounts, got ${accounts.length}: `
      + 'deploy the rule to fewer accounts by other means (an organizational unit structure), or exclude fewer');
  }
  const seen = new Set<string>();
  for (const account of accounts) {
    if (!resolved(account)) continue;
    if (!/^\d{12}$/.test(account)) {
      throw new Error(`${prop} must hold 12-digit AWS account ids, got '${account}': write each id as a string of 12 digits, leading zeros included`);
    }
    if (seen.has(account)) throw new Error(`${prop} lists account ${account} twice: list each account once`);
    seen.add(account);
  }
}

/** JSON-encodes rule parameters; Config takes a JSON string of at most `max` characters. */
export function encodeParameters(prop: string, parameters: { [key: string]: any } | undefined, max: number): string | undefined {
  if (parameters === undefined) return undefined;
  const encoded = JSON.stringify(parameters);
  if (resolved(encoded) && encoded.length > max) {
    throw new Error(`${prop} must encode to at most ${max} characters of JSON, got ${encoded.length}: pass fewer or shorter parameters`);
  }
  return encoded;
}

/** Throws when two items share a name: CloudFormation would try to create the second one over the first. */
export function validateUnique(prop: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (!resolved(name)) continue;
    if (seen.has(name)) throw new Error(`${prop} has two entries named '${name}': give each a distinct name`);
    seen.add(name);
  }
}
