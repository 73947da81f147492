/**
 * The keys of the last `capacity` events accepted, to drop an event a server sends again (after a
 * resume, or by at-least-once delivery). Bounded: the oldest key is forgotten first. Its content is
 * checkpointed with the position, so a restart remembers exactly the announced events.
 */
export class DedupWindow {
  private readonly keys = new Set<string>();
  private order: string[] = [];
  private head = 0;

  constructor(
    readonly capacity: number,
    initial: readonly string[] = [],
  ) {
    for (const key of initial.slice(Math.max(0, initial.length - capacity))) this.add(key);
  }

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Remembers a key; false when it was already known (a duplicate). */
  add(key: string): boolean {
    if (this.capacity === 0) return true;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.order.push(key);
    while (this.keys.size > this.capacity) {
      const oldest = this.order[this.head];
      this.head += 1;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  /** The keys, oldest first: what a checkpoint stores. */
  snapshot(): string[] {
    return this.order.slice(this.head);
  }

  /** The newest `count` keys, oldest first. */
  tail(count: number): string[] {
    return this.order.slice(Math.max(this.head, this.order.length - count));
  }
}
