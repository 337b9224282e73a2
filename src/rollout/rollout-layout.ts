import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AccountFilter, RolloutTarget } from './rollout-options';
import { ConfigMonitoringAgent } from '../agent/config-monitoring-agent';

/** One target of one rollout, with where it is declared, for messages. */
export interface PlacedTarget {
  /** `<construct path> targets[<index>]`. */
  readonly where: string;
  readonly target: RolloutTarget;
}

/** What two targets that share an OU and a region both deploy to, if anything: a description, or undefined. */
export function overlap(a: RolloutTarget, b: RolloutTarget, ou: string): string | undefined {
  const filterA = a.accountFilter ?? AccountFilter.NONE;
  const filterB = b.accountFilter ?? AccountFilter.NONE;
  const accountsA = new Set(a.accounts ?? []);
  const accountsB = new Set(b.accounts ?? []);
  if (filterA === AccountFilter.INTERSECTION && filterB === AccountFilter.INTERSECTION) {
    const common = [...accountsA].filter((account) => accountsB.has(account));
    return common.length > 0 ? `the accounts ${common.join(', ')} of ${ou}` : undefined;
  }
  if (filterA === AccountFilter.INTERSECTION || filterB === AccountFilter.INTERSECTION) {
    const [listed, other, otherAccounts] = filterA === AccountFilter.INTERSECTION ? [accountsA, filterB, accountsB] : [accountsB, filterA, accountsA];
    const both = [...listed].filter((account) => other !== AccountFilter.DIFFERENCE || !otherAccounts.has(account));
    return both.length > 0 ? `the accounts ${both.join(', ')} of ${ou}` : undefined;
  }
  // Neither lists its accounts: every account of the OU that neither excludes, new accounts included.
  return `every account of ${ou}${filterA === AccountFilter.DIFFERENCE || filterB === AccountFilter.DIFFERENCE ? ' that neither excludes' : ''}`;
}

/** Every pair of targets that would deploy two agents to the same account and region. */
export function overlappingTargets(targets: readonly PlacedTarget[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const [a, b] = [targets[i], targets[j]];
      for (const ou of a.target.organizationalUnitIds.filter((o) => b.target.organizationalUnitIds.includes(o))) {
        for (const region of a.target.regions.filter((r) => b.target.regions.includes(r))) {
          const what = overlap(a.target, b.target, ou);
          if (what !== undefined) {
            problems.push(`${b.where} and ${a.where} both deploy the agent to ${what} in ${region}: an account and region takes one `
              + 'recorder and one agent; remove the region from one of them, or split the OU with accounts and accountFilter '
              + '(INTERSECTION in one, DIFFERENCE with the same accounts in the other)');
          }
        }
      }
    }
  }
  return problems;
}

/**
 * Per-account agent stacks of the app whose account a rollout target lists (accountFilter INTERSECTION) in the same
 * region: two recorders, two forwarders.
 */
export function perAccountAgentsTargeted(root: IConstruct, targets: readonly PlacedTarget[]): string[] {
  const problems: string[] = [];
  const agents = root.node.findAll().filter((c): c is ConfigMonitoringAgent => c instanceof ConfigMonitoringAgent);
  for (const agent of agents) {
    const stack = Stack.of(agent);
    if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) continue;
    for (const { where, target } of targets) {
      const listed = (target.accountFilter ?? AccountFilter.NONE) === AccountFilter.INTERSECTION && (target.accounts ?? []).includes(stack.account);
      if (listed && target.regions.includes(stack.region)) {
        problems.push(`${where} deploys the agent to ${stack.account} in ${stack.region}, where the agent ${agent.node.path} already is: `
          + `an account and region takes one agent; take ${stack.account} out of the target, or remove the per-account stack`);
      }
    }
  }
  return problems;
}
