/**
 * Duplicate notifications: messages about the same evaluation (resource, rule, status, evaluation time) sent more
 * than once. The baseline publishes the whole Config event; the pipeline its own JSON body. Both are read here.
 */
export function notificationIdentity(message: string): string {
  const body = JSON.parse(message);
  if (body.detail) {
    const d = body.detail;
    const n = d.newEvaluationResult;
    return [d.awsAccountId, d.awsRegion, d.resourceType, d.resourceId, d.configRuleName, n.complianceType, n.resultRecordedTime].join('|');
  }
  return [body.account, body.region, body.resource_type, body.resource_id, body.config_rule_name, body.compliance_status, body.evaluated_at].join('|');
}

export function countDuplicateNotifications(messages: ReadonlyArray<{ readonly Message: string }>): number {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const { Message } of messages) {
    const identity = notificationIdentity(Message);
    if (seen.has(identity)) duplicates++;
    seen.add(identity);
  }
  return duplicates;
}
