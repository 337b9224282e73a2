import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Layouts of agents that cannot deploy, found at synth once the app is whole: an account and region holds one
 * recorder named `default` and one delivery channel named `default`. (A central bus that is the agent's own default
 * bus is refused earlier, by the forwarding's own validation.)
 */

/** The agents of each app (by its root), so that one agent finds the others without walking the tree. */
const AGENTS = new WeakMap<IConstruct, IConstruct[]>();

/** Registers an agent, and checks at synth that no other agent of the app deploys where it does. */
export function checkAgentLayout(agent: IConstruct): void {
  const root = agent.node.root;
  AGENTS.set(root, [...AGENTS.get(root) ?? [], agent]);
  agent.node.addValidation({ validate: () => agentLayoutErrors(agent) });
}

/** Where an agent deploys, when its stack says: `<account>/<region>`; else (environment-agnostic) its stack. */
function placeOf(agent: IConstruct): string {
  const stack = Stack.of(agent);
  return Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) ? `stack ${stack.node.path}` : `${stack.account}/${stack.region}`;
}

function agentLayoutErrors(agent: IConstruct): string[] {
  const errors: string[] = [];
  // Two agents in one stack, or in two stacks of the same account and region.
  const place = placeOf(agent);
  const earlier = (AGENTS.get(agent.node.root) ?? [])
    .filter((other) => other !== agent && other.node.path < agent.node.path && placeOf(other) === place);
  for (const other of earlier) {
    errors.push(`${agent.node.path} and ${other.node.path} are two agents for ${place.startsWith('stack') ? `the same ${place}` : place}: `
      + 'an account and region takes one agent (one recorder and one delivery channel named \'default\', one forwarding); '
      + 'remove one, or give their stacks different accounts or regions');
  }
  return errors;
}
