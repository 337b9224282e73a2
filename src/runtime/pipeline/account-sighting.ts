import { isAccountId, isRegion } from '../parsing/identity-fields';

/** One account and region seen in a batch, with the time of its newest event there. */
export interface AccountSighting {
  readonly account: string;
  readonly region: string;
  /** Epoch milliseconds of the event (the envelope's `time`). */
  readonly eventTimeMs: number;
}

/**
 * The account, region and time of an EventBridge event as the buffer queue delivers it (the record body, parsed).
 *
 * Reads the outer envelope only: its `account` is the one EventBridge set from the sender's credentials, the same
 * account the parser stores (parsing/trusted-account.ts), for `aws.config` and for the agent's
 * `monitoring.agent.config` alike; never an account named inside the event, which the sender chooses. Status
 * notifications (skipped by the write path) count too: they prove the account's forwarding works. Anything without a
 * valid account id and region (parsing/identity-fields.ts) is ignored.
 */
export function sightingOf(envelope: unknown, nowMs: number): AccountSighting | undefined {
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  const { account, region, time } = envelope as { account?: unknown; region?: unknown; time?: unknown };
  if (!isAccountId(account) || !isRegion(region)) return undefined;
  const parsed = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  // A sender's clock ahead of ours must not make the account look alive in the future.
  const eventTimeMs = Number.isFinite(parsed) ? Math.min(parsed, nowMs) : nowMs;
  return { account, region, eventTimeMs };
}
