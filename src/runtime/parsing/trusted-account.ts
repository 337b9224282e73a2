import { requireAccount } from './identity-fields';
import { describeValue, InvalidEventError, isAbsent, type Candidate } from './parsed-event';

/**
 * Whose state an event may write.
 *
 * EventBridge sets the delivered event's `account` from the credentials of whoever put it on the bus, so it is the
 * only account a member cannot choose. Every other account in an event is a claim: the `awsAccountId` of a Config
 * message, the `account` of the original event an agent forwards inside its envelope. The bus lets every account of
 * the organization put `monitoring.agent.config` events, so without this check account A could write B's compliance
 * state by naming B inside its envelope. A claim that differs from the sender is refused ("account mismatch"), and the
 * account stored is always the sender's. Only the master's reconciliation writes for other accounts, and it does not
 * read events.
 */

/** The phrase every refusal starts with: operators search the dead-letter queue's `reason` attribute for it. */
export const ACCOUNT_MISMATCH = 'account mismatch';

/**
 * The account to store: the trusted one when the message came through EventBridge (every claim must then equal it),
 * else the message's own claim, the first present one.
 */
export function resolveAccount(trusted: Candidate, claims: readonly Candidate[]): string {
  if (isAbsent(trusted.value)) {
    const first = claims.find((claim) => !isAbsent(claim.value));
    return requireAccount(first ?? { value: undefined, path: [...claims.map((c) => c.path), trusted.path].join(' or ') });
  }
  const account = requireAccount(trusted);
  for (const claim of claims) requireSameAccount(claim, { value: account, path: trusted.path });
  return account;
}

/** Throws when `claim` is present and is no account id, or names another account than `trusted` (an account mismatch). */
export function requireSameAccount(claim: Candidate, trusted: { readonly value: string; readonly path: string }): void {
  if (isAbsent(claim.value) || requireAccount(claim) === trusted.value) return;
  throw new InvalidEventError(`${ACCOUNT_MISMATCH}: ${claim.path} is ${describeValue(claim.value)} but the event was sent by account `
    + `${trusted.value} (${trusted.path}, set by EventBridge): an event may only carry its sender's own state`);
}
