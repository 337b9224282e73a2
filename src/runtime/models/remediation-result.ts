/**
 * SSM Automation execution statuses (AutomationExecutionStatus). The three failures are notified; Success (and
 * CompletedWithSuccess, used by runbooks with approvals) counts as a successful remediation; the rest are progress.
 */
export const FAILED_EXECUTION_STATUSES: readonly string[] = ['Failed', 'TimedOut', 'Cancelled', 'CompletedWithFailure', 'Rejected'];
export const SUCCEEDED_EXECUTION_STATUSES: readonly string[] = ['Success', 'CompletedWithSuccess'];

export type RemediationOutcome = 'succeeded' | 'failed' | 'in-progress';

export function outcomeOf(status: string): RemediationOutcome {
  if (FAILED_EXECUTION_STATUSES.includes(status)) return 'failed';
  if (SUCCEEDED_EXECUTION_STATUSES.includes(status)) return 'succeeded';
  return 'in-progress';
}

/**
 * One status change of an SSM Automation execution that a Config remediation started, normalised from the
 * `EC2 Automation Execution Status-change Notification` event (forwarded as is, or inside the agent envelope).
 *
 * The event names the document and the execution, not the resource: the execution's parameters (where Config passes
 * the resource id) are not in it. The rule and resource type come from the agent (enriched mode), which knows which of
 * its rules use the document; the resource is found by the master (see apply-remediation-result.ts).
 */
export interface RemediationResult {
  /** 12 digits. */
  readonly account: string;
  readonly region: string;
  /** The automation execution id (36 characters). */
  readonly executionId: string;
  /** The automation document (`detail.Definition`). */
  readonly documentName: string;
  readonly documentVersion?: string;
  /** The raw AutomationExecutionStatus, e.g. Success, Failed, TimedOut, Cancelled, InProgress. */
  readonly status: string;
  readonly outcome: RemediationOutcome;
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  /** The status change's time: the newest-wins key of the execution record. */
  readonly eventTimeMs: number;
  readonly executedBy?: string;
  /** Not in the event today; kept for a producer that adds it (GetAutomationExecution's FailureMessage). */
  readonly failureMessage?: string;
  /** The rule whose remediation runs the document, when exactly one of the agent's rules does. */
  readonly configRuleName?: string;
  /** The resource type the remediation acts on, when the agent knows it. */
  readonly resourceType?: string;
  /** Only when a producer names it; otherwise the master correlates the execution with a non-compliant item. */
  readonly resourceId?: string;
  readonly sourceEventId?: string;
}
