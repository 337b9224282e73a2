/** The EventBridge `source` and `detail-type` values the agent rules, the master bus and the parsers agree on. */

/** AWS Config's own events. */
export const AWS_CONFIG_SOURCE = 'aws.config';

/** The agents' enriched envelopes (ProcessConfigEvents). */
export const AGENT_SOURCE = 'monitoring.agent.config';

/** Systems Manager: the status changes of remediation executions, forwarded as they are. */
export const SSM_SOURCE = 'aws.ssm';

/** The only `aws.ssm` detail-type the master takes: the status change of an automation execution (a remediation). */
export const AUTOMATION_EXECUTION_STATUS_CHANGE = 'EC2 Automation Execution Status-change Notification';

/** The `aws.ssm` detail-types the master takes. */
export const ACCEPTED_SSM_DETAIL_TYPES = [AUTOMATION_EXECUTION_STATUS_CHANGE];

/** Every source the master's bus accepts. */
export const ACCEPTED_SOURCES = [AWS_CONFIG_SOURCE, AGENT_SOURCE, SSM_SOURCE];

/** The sources whose every event the master's pipeline takes (Config's, and the agents' envelopes). */
export const CONFIG_SOURCES = [AWS_CONFIG_SOURCE, AGENT_SOURCE];
