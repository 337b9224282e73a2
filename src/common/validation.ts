import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

// Synth-time checks shared by the master and agent constructs. Every message names the prop, the value
// and the fix, and every check skips values that are unresolved tokens (CfnParameter, Lazy, imports):
// those are CloudFormation's to validate at deploy time.

/** An AWS Organizations organization id: `o-` + 10 to 32 lowercase letters or digits. */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;

/** An organizational unit id (`ou-…-…`) or an organization root id (`r-…`), as Organizations prints them. */
export const ORGANIZATIONAL_UNIT_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

/**
 * An AWS region name such as `eu-west-1`, `us-gov-west-1`, `cn-north-1` or `ap-southeast-7`: every construct checks
 * regions with this one pattern (the compliance API's parameters use the same form on the runtime side).
 */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * The most accounts `agentAccounts` accepts.
 *
 * An event bus resource policy is capped at 10,240 characters for all its statements together, and a shared bus
 * may already carry statements of others: 50 account ARNs (about 1,700 characters) leave ample room.
 */
export const MAX_AGENT_ACCOUNTS = 50;

/** Throws when `value` is a resolved string that is not an organization id. */
export function validateOrganizationId(prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!ORGANIZATION_ID.test(value)) {
    throw new Error(`${prop} must be 'o-' followed by 10 to 32 lowercase letters or digits, got '${value}': `
      + "use the id that 'aws organizations describe-organization' prints as Organization.Id");
  }
}

/** Throws when `value` is a resolved string that is not a 12-digit account id. */
export function validateAccountId(prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!ACCOUNT_ID.test(value)) {
    throw new Error(`${prop} must be a 12-digit AWS account id, got '${value}': `
      + 'write it as a string of exactly 12 digits, leading zeros included');
  }
}

/** Throws when a resolved number lies outside [min, max] or is not an integer. */
export function validateIntegerInRange(prop: string, value: number, min: number, max: number, fix: string): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${prop} must be an integer from ${min} to ${max}, got ${value}: ${fix}`);
  }
}

/** Throws when a resolved duration is shorter than `min` or longer than `max`. */
export function validateDurationInRange(prop: string, value: Duration, min: Duration, max: Duration | undefined, fix: string): void {
  if (value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (seconds < min.toSeconds() || (max !== undefined && seconds > max.toSeconds())) {
    const range = max === undefined ? `at least ${min.toHumanString()}` : `from ${min.toHumanString()} to ${max.toHumanString()}`;
    throw new Error(`${prop} must be ${range}, got ${value.toHumanString()}: ${fix}`);
  }
}

/** Throws when a resolved duration is not a whole number of `unit`s (AWS takes these values as integers). */
export function validateWholeUnits(prop: string, value: Duration, unit: 'seconds' | 'days'): void {
  if (value.isUnresolved()) return;
  const amount = unit === 'days' ? value.toDays({ integral: false }) : value.toSeconds({ integral: false });
  if (!Number.isInteger(amount)) {
    throw new Error(`${prop} must be a whole number of ${unit}, got ${value.toHumanString()}: `
      + `use Duration.${unit}(${Math.max(1, Math.round(amount))}) or another whole number`);
  }
}

/**
 * The error to throw for `error` raised while building `construct`: its message prefixed with the construct's kind and
 * path (`ConfigMonitoringMaster at 'Stack/Monitoring': …`), which in an app of many stacks says which one failed.
 * An error that already names a path is returned as it is.
 */
export function atConstructPath(kind: string, construct: IConstruct, error: unknown): unknown {
  if (!(error instanceof Error) || / at '[^']*': /.test(error.message.split('\n')[0])) return error;
  const located = new Error(`${kind} at '${construct.node.path}': ${error.message}`);
  located.stack = error.stack;
  return located;
}
