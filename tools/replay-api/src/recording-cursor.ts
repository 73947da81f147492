/**
 * Which recorded response of a feed is "current".
 *
 * - `per-request`: the cursor points at the next recorded response not yet served. A complete
 *   200 response moves it on (`advance()`); 304s, faulted and broken responses do not, so a client
 *   retrying after a fault gets the response it missed. After the last recorded response the
 *   cursor stays there, and clients holding its validators get 304s from then on.
 * - `clock`: response i becomes current at start + i × stepMs and stays current until the next
 *   one; requests do not move it.
 */
import { type AdvanceMode } from './types';

export class RecordingCursor {
  private startMs: number;
  private next = 0;

  constructor(
    private readonly length: number,
    private readonly mode: AdvanceMode,
    private readonly stepMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startMs = now();
  }

  /** Index of the recorded response a request gets now. */
  current(): number {
    const last = this.length - 1;
    if (this.mode === 'clock') {
      return Math.min(Math.floor((this.now() - this.startMs) / this.stepMs), last);
    }
    return Math.min(this.next, last);
  }

  /** Records that the current response was served in full. */
  advance(): void {
    if (this.mode === 'per-request') this.next = Math.min(this.next + 1, this.length - 1);
  }

  reset(): void {
    this.next = 0;
    this.startMs = this.now();
  }
}
