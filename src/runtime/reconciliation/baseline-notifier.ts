import type { SNSClient } from '@aws-sdk/client-sns';
import { TransitionNotifier } from '../pipeline/transition-notifier';
import type { ComplianceItem, EvaluationDescription, PendingTransition } from '../store/compliance-item';

/**
 * The event handler's notifier, silenced during the first complete reconciliation pass.
 *
 * That pass loads the whole organization: through the shared write path every NON_COMPLIANT resource would be a
 * "first evaluation" and send a message. Its transitions are still stored and written to the history; only the
 * messages are left out, because they would announce nothing that changed.
 */
export class BaselineNotifier extends TransitionNotifier {
  /** Set by the reconciliation before it writes anything. */
  baseline = false;

  constructor(client: SNSClient, topicArn: string) {
    super(client, topicArn);
  }

  async notify(item: ComplianceItem, transition: PendingTransition, details: EvaluationDescription): Promise<void> {
    if (this.baseline) return;
    await super.notify(item, transition, details);
  }
}
