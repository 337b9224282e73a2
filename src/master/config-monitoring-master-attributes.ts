/**
 * What identifies a deployed `ConfigMonitoringMaster`, for `ConfigMonitoringMaster.fromMasterAttributes()`.
 *
 * The master's stack can export them, or write them to SSM parameters for stacks in other accounts. The tables, the
 * topic, the queue and the key are in the bus's account and region: the master creates them all in one stack.
 */
export interface ConfigMonitoringMasterAttributes {
  /**
   * The ARN of the master's event bus (`arn:<partition>:events:<region>:<account>:event-bus/<name>`).
   *
   * Its account and region are the master's: every other resource is addressed there.
   */
  readonly eventBusArn: string;

  /** The name of the master's compliance table (`master.complianceTable.tableName`). */
  readonly complianceTableName: string;

  /** The name of the master's events (history) table (`master.eventsTable.tableName`). */
  readonly eventsTableName: string;

  /** The ARN of the master's notification topic (`master.notificationTopic.topicArn`). */
  readonly notificationTopicArn: string;

  /**
   * The ARN of the master's customer-managed KMS key (its `encryptionKey`), so that grants include its use.
   *
   * @default - the master uses AWS-managed keys: no key grant is needed
   */
  readonly encryptionKeyArn?: string;

  /**
   * The name of the master's event handler function (`master.eventHandler.functionName`): the dimension of its metrics.
   *
   * @default - no handler metrics: `metric()`, `metricEventsProcessed()` and `metricEventsFailed()` fail
   */
  readonly eventHandlerFunctionName?: string;

  /**
   * The ARN of the master's dead-letter queue (`master.deadLetterQueue.queueArn`).
   *
   * @default - `metricDeadLetterDepth()` fails
   */
  readonly deadLetterQueueArn?: string;

  /**
   * The id of the master's compliance REST API (the first label of `master.complianceApiUrl`'s host).
   *
   * @default - the master has no API: `grantInvokeApi()` fails
   */
  readonly complianceApiId?: string;
}
