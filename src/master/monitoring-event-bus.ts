import { Aws, Names, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { MAX_AGENT_ACCOUNTS, REGION_NAME, validateAccountId, validateOrganizationId } from '../common/validation';
import { ACCEPTED_SOURCES } from '../contract/event-sources';

/** The name of the bus the master creates when none is given. */
export const DEFAULT_EVENT_BUS_NAME = 'config-monitoring';

/** Who may put events on the monitoring bus. */
export interface BusPrincipals {
  readonly organizationId?: string;
  readonly agentAccounts?: string[];
}

/**
 * Validates the principals and returns the account list without duplicates.
 *
 * @internal
 */
export function validatePrincipals(props: BusPrincipals): string[] | undefined {
  if (props.organizationId === undefined && props.agentAccounts === undefined) {
    throw new Error('organizationId or agentAccounts must be set, got neither: set organizationId to accept events from '
      + 'every account of your organization, or list the member accounts in agentAccounts');
  }
  if (props.organizationId !== undefined) {
    validateOrganizationId('organizationId', props.organizationId);
  }
  if (props.agentAccounts === undefined) return undefined;
  if (Token.isUnresolved(props.agentAccounts)) return props.agentAccounts;

  if (props.agentAccounts.length === 0) {
    throw new Error('agentAccounts must list at least one account, got []: list the member account ids, '
      + 'or leave agentAccounts out and set organizationId');
  }
  props.agentAccounts.forEach((account, i) => validateAccountId(`agentAccounts[${i}]`, account));
  const accounts = [...new Set(props.agentAccounts)];
  if (accounts.length > MAX_AGENT_ACCOUNTS) {
    throw new Error(`agentAccounts lists ${accounts.length} accounts, more than ${MAX_AGENT_ACCOUNTS}: an event bus policy `
      + 'is capped at 10,240 characters, so grant the whole organization with organizationId instead');
  }
  return accounts;
}

/**
 * Adds the statements that let the agents put Config events on `eventBus`.
 *
 * One `AWS::Events::EventBusPolicy` per principal kind, each with its own statement id, so that statements others
 * put on a shared bus are never replaced. Both allow only `events:PutEvents` and only for the accepted sources.
 *
 * @internal
 */
export function grantAgentsPutEvents(scope: Construct, eventBus: events.IEventBus, organizationId: string | undefined,
  agentAccounts: string[] | undefined): void {
  const sourceCondition = { 'events:source': ACCEPTED_SOURCES };

  if (organizationId !== undefined) {
    new events.CfnEventBusPolicy(scope, 'OrganizationPolicy', {
      eventBusName: eventBus.eventBusName,
      statementId: statementId(scope, 'Organization'),
      statement: new iam.PolicyStatement({
        effect: iam.Effect.ALLOW,
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [eventBus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId, ...sourceCondition } },
      }).toJSON(),
    });
  }

  if (agentAccounts !== undefined) {
    new events.CfnEventBusPolicy(scope, 'AgentAccountsPolicy', {
      eventBusName: eventBus.eventBusName,
      statementId: statementId(scope, 'AgentAccounts'),
      statement: new iam.PolicyStatement({
        effect: iam.Effect.ALLOW,
        principals: Token.isUnresolved(agentAccounts)
          ? [new AccountListPrincipal(agentAccounts)]
          : agentAccounts.map((account) => new iam.AccountPrincipal(account)),
        actions: ['events:PutEvents'],
        resources: [eventBus.eventBusArn],
        conditions: { StringEquals: sourceCondition },
      }).toJSON(),
    });
  }
}

/** Accounts given as one unresolved list (a `CommaDelimitedList` parameter): IAM accepts bare account ids. */
class AccountListPrincipal extends iam.PrincipalBase {
  constructor(private readonly accounts: string[]) {
    super();
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({ AWS: this.accounts });
  }

  public dedupeString(): string | undefined {
    return undefined;
  }
}

/** A statement id unique in the app and stable across deployments (at most 64 characters of [A-Za-z0-9-_]). */
function statementId(scope: Construct, kind: string): string {
  return `ConfigMonitoring${kind}-${Names.uniqueResourceName(scope, { maxLength: 64 - 'ConfigMonitoring'.length - kind.length - 1, separator: '-' })}`;
}

/**
 * The ARN of a monitoring event bus, with the partition of `region` written out when it is known.
 *
 * @internal
 */
export function monitoringEventBusArn(account: string, region: string, eventBusName: string): string {
  validateAccountId('account', account);
  if (!Token.isUnresolved(region) && !REGION_NAME.test(region)) {
    throw new Error(`region must be an AWS region such as 'eu-west-1', got '${region}': pass the master's region`);
  }
  if (!Token.isUnresolved(eventBusName) && !/^[A-Za-z0-9._-]{1,256}$/.test(eventBusName)) {
    throw new Error(`eventBusName must be 1 to 256 letters, digits, '.', '_' or '-', got '${eventBusName}': `
      + "pass the name of the master's bus (not its ARN), or leave it out for 'config-monitoring'");
  }
  const partition = Token.isUnresolved(region) ? Aws.PARTITION : (RegionInfo.get(region).partition ?? Aws.PARTITION);
  return `arn:${partition}:events:${region}:${account}:event-bus/${eventBusName}`;
}
