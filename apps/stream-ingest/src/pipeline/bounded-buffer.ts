/** Observes the buffer filling up and draining: where backpressure becomes visible. */
export interface BackpressureHooks {
  /** The buffer is full: the producer side stops reading until it drains. */
  onPause(depth: number): void;
  /** Reading goes on after `pausedMs`. */
  onResume(pausedMs: number, depth: number): void;
}

/**
 * A bounded FIFO between the connection (producer side) and the batcher (consumer side). When it
 * holds `capacity` items, `offer` refuses and the producer awaits `waitForRoom()`, which stops it
 * reading from the socket: memory stays bounded and TCP pushes the backpressure to the server.
 * Room is granted again at half capacity, so a full buffer does not flap on every item.
 */
export class BoundedBuffer<T> {
  private items: T[] = [];
  private head = 0;
  private takers: ((item: T | undefined) => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private pausedSince: number | undefined;
  private isClosed = false;
  private highWater = 0;

  constructor(
    readonly capacity: number,
    private readonly hooks: BackpressureHooks,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The most items held at once since start. */
  get highWaterMark(): number {
    return this.highWater;
  }

  /** Adds an item when there is room (a waiting consumer takes it at once); false when full. */
  offer(item: T): boolean {
    const taker = this.takers.shift();
    if (taker !== undefined) {
      taker(item);
      return true;
    }
    if (this.size >= this.capacity) {
      if (this.pausedSince === undefined) {
        this.pausedSince = this.now();
        this.hooks.onPause(this.size);
      }
      return false;
    }
    this.items.push(item);
    this.highWater = Math.max(this.highWater, this.size);
    return true;
  }

  /** Resolves once the buffer has drained to half its capacity (or was closed). */
  waitForRoom(): Promise<void> {
    if (this.isClosed || this.size <= this.capacity / 2) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Offers, waiting for room as long as needed. Resolves false if the buffer was closed. */
  async put(item: T): Promise<boolean> {
    while (!this.isClosed) {
      if (this.offer(item)) return true;
      await this.waitForRoom();
    }
    return false;
  }

  /** The next item; undefined after `timeoutMs` (if given) or once closed and empty. */
  take(timeoutMs?: number): Promise<T | undefined> {
    if (this.size > 0) return Promise.resolve(this.shift());
    if (this.isClosed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const taker = (item: T | undefined): void => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(item);
      };
      this.takers.push(taker);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.takers = this.takers.filter((t) => t !== taker);
          resolve(undefined);
        }, Math.max(0, timeoutMs));
      }
    });
  }

  /** No more items will come: waiting takers get undefined, producers stop waiting. */
  close(): void {
    this.isClosed = true;
    for (const taker of this.takers.splice(0)) taker(undefined);
    this.releaseRoom();
  }

  private shift(): T | undefined {
    const item = this.items[this.head];
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.roomWaiters.length > 0 && this.size <= this.capacity / 2) this.releaseRoom();
    return item;
  }

  private releaseRoom(): void {
    if (this.pausedSince !== undefined) {
      this.hooks.onResume(this.now() - this.pausedSince, this.size);
      this.pausedSince = undefined;
    }
    for (const waiter of this.roomWaiters.splice(0)) waiter();
  }
}
