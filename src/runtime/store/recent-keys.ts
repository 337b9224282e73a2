/**
 * A bounded set of keys this container has recently confirmed in DynamoDB, oldest dropped first.
 *
 * SQS redelivers duplicates minutes apart, usually to the same warm container: remembering what it already wrote
 * turns those redeliveries into no request at all instead of a failed conditional write (which DynamoDB bills as a
 * write unit).
 */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    // A Set iterates in insertion order: the first key is the oldest.
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value as string);
  }
}
