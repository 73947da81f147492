import type { ResumeMode, StreamGapReason } from '@fluxo/schema';
import { offsetsBetween } from './stream-position';

/** What the client knew when it (re)connected. */
export interface ResumeContext {
  readonly mode: ResumeMode;
  /** Position of the last event received (or checkpointed), if any. */
  readonly position: string | undefined;
  readonly lastEventTime: Date | null;
  /** The `Last-Event-ID` sent; undefined when none was. */
  readonly sentId: string | undefined;
  /** Whether any event came before (a first start has nothing to miss). */
  readonly hadEvents: boolean;
}

/** The first event of a connection. */
export interface FirstEvent {
  readonly key: string;
  readonly position: string | undefined;
  readonly eventTime: Date | null;
}

export interface DetectedGap {
  readonly reason: StreamGapReason;
  readonly positionsSkipped: number | null;
}

/**
 * Decides, from the first event of a new connection, whether events may have been missed:
 * - a first start, or a first event already known (the overlap a rewound resume asks for): no gap;
 * - an opaque `Last-Event-ID` the server accepted: trusted, no gap (it cannot be checked);
 * - a server that went back (offset or time not after the last one): no gap, only duplicates;
 * - otherwise a gap: `resume-refused` when a position was sent, `no-resume-id` when none could be.
 */
export function detectGap(context: ResumeContext, first: FirstEvent, isKnown: (key: string) => boolean): DetectedGap | undefined {
  if (!context.hadEvents || isKnown(first.key)) return undefined;
  if (context.mode === 'last-event-id' && context.sentId !== undefined) return undefined;
  const skipped = context.mode === 'eventstreams' ? offsetsBetween(context.position, first.position) : undefined;
  if (skipped !== undefined && skipped < 0) return undefined;
  if (skipped === undefined && context.lastEventTime !== null && first.eventTime !== null && first.eventTime.getTime() < context.lastEventTime.getTime()) {
    return undefined;
  }
  return { reason: context.sentId === undefined ? 'no-resume-id' : 'resume-refused', positionsSkipped: skipped ?? null };
}
