import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The masters of each stack. */
const MASTERS = new WeakMap<Stack, IConstruct[]>();

/**
 * Registers a master and checks at synth that its stack holds no other: two masters in one stack would make two
 * central buses, two tables and two pipelines for the same agents, with events split between them.
 */
export function checkMasterLayout(master: IConstruct): void {
  const stack = Stack.of(master);
  MASTERS.set(stack, [...MASTERS.get(stack) ?? [], master]);
  master.node.addValidation({
    validate: () => {
      return (MASTERS.get(stack) ?? [])
        .filter((other) => other !== master && other.node.path < master.node.path)
        .map((other) => `${master.node.path} and ${other.node.path} are two masters in the stack ${stack.node.path}: an organization `
          + 'has one master (one central bus the agents forward to); remove one, or put the other in its own stack for another organization');
    },
  });
}
