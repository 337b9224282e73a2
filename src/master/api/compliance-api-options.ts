/**
 * Options of the compliance query API (`ConfigMonitoringMaster`'s `complianceApi` prop).
 */
export interface ComplianceApiOptions {
  /**
   * The steady-state request rate the API's stage allows, in requests per second, across all callers and methods.
   *
   * Requests above it are refused with HTTP 429 before they reach the function or DynamoDB, which bounds both the
   * read cost and the function's concurrency. At most 10,000 (the default regional account quota).
   *
   * @default 50
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
   */
  readonly throttlingRateLimit?: number;

  /**
   * The request burst the API's stage allows above `throttlingRateLimit`, in requests. At most 5,000.
   *
   * @default 100
   */
  readonly throttlingBurstLimit?: number;

  /**
   * The ARN of an AWS WAF (v2, regional scope) web ACL to associate with the API's stage.
   *
   * @default - no web ACL: the API accepts only SigV4-signed requests of principals granted `execute-api:Invoke`,
   * and its stage is throttled; add a web ACL for IP allow-lists or rate rules per caller
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
   */
  readonly webAclArn?: string;

  /**
   * Whether to create the account's API Gateway CloudWatch role (`AWS::ApiGateway::Account`), which API Gateway needs
   * to write the stage's access and execution logs.
   *
   * The setting is one per account and region: set `false` when another stack or your landing zone already sets it,
   * so that two stacks do not overwrite each other's role. Deploying with `false` in an account where no role is set
   * fails with "CloudWatch Logs role ARN must be set in account settings to enable logging".
   *
   * @default true
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
   */
  readonly cloudWatchRole?: boolean;
}
