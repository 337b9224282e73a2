/**
 * Faults injected at the SDK boundary of one simulated Lambda container: each call may be throttled, fail with a 5xx
 * before or after the service acted on it, or be the point where the container dies (before or after the call
 * reached the service). After a crash every further call of that container fails, as nothing runs after death; the
 * caller then drops the container and redelivers its whole batch, as SQS does after the visibility timeout.
 */
export type FaultKind = 'throttle' | 'error-before' | 'error-after' | 'crash-before' | 'crash-after';

const KINDS: FaultKind[] = ['throttle', 'error-before', 'error-after', 'crash-before', 'crash-after'];

export type CallOutcome<T> = { readonly reached: false } | { readonly reached: true; readonly result: T; readonly acknowledged: boolean };

export class ContainerCrashed extends Error {
  constructor() {
    super('the container died');
    this.name = 'ContainerCrashed';
  }
}

export interface FaultCounts {
  'calls': number;
  'throttle': number;
  'error-before': number;
  'error-after': number;
  'crash-before': number;
  'crash-after': number;
}

export function emptyFaultCounts(): FaultCounts {
  return { 'calls': 0, 'throttle': 0, 'error-before': 0, 'error-after': 0, 'crash-before': 0, 'crash-after': 0 };
}

export class ContainerFaults {
  crashed = false;

  constructor(private readonly random: () => number, public rate: number, private readonly counts: FaultCounts) {}

  /**
   * Runs one SDK call under the fault plan.
   * @param observe told whether the call reached the service (its effect happened, even if the caller then sees a
   *   failure: `fault` says which) or not
   */
  async call<T>(send: () => Promise<T>, observe?: (outcome: CallOutcome<T>) => void): Promise<T> {
    if (this.crashed) {
      observe?.({ reached: false });
      throw new ContainerCrashed();
    }
    this.counts.calls++;
    const fault = this.random() < this.rate ? KINDS[Math.floor(this.random() * KINDS.length)] : undefined;
    if (fault) this.counts[fault]++;
    if (fault === 'throttle' || fault === 'error-before' || fault === 'crash-before') observe?.({ reached: false });
    if (fault === 'throttle') throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException', $fault: 'client' });
    if (fault === 'error-before') throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalServerError', $fault: 'server' });
    if (fault === 'crash-before') {
      this.crashed = true;
      throw new ContainerCrashed();
    }
    const result = await send();
    // A crash elsewhere while this call was in flight: its result never reaches the dead container's code.
    const unacknowledged = fault === 'error-after' || fault === 'crash-after' || this.crashed;
    observe?.({ reached: true, result, acknowledged: !unacknowledged });
    if (fault === 'error-after') throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    if (fault === 'crash-after') {
      this.crashed = true;
      throw new ContainerCrashed();
    }
    if (this.crashed) throw new ContainerCrashed();
    return result;
  }
}

/** An SDK client whose every `send` goes through the container's fault plan. */
export function faultyClient<C extends { send: (...args: never[]) => Promise<unknown> }>(
  client: C,
  faults: ContainerFaults,
  observe?: (command: { input: Record<string, unknown>; constructor: { name: string } }, outcome: CallOutcome<unknown>) => void,
): C {
  return {
    send: (command: never) => faults.call(() => client.send(command), (outcome) => observe?.(command, outcome)),
  } as unknown as C;
}
