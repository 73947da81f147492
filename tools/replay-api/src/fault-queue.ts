/**
 * The queue of pending faults. A request consumes the first queued fault whose path prefix
 * matches and whose kind applies to that endpoint; each fault applies to `count` requests.
 */
import { BODY_ONLY_KINDS, SSE_ONLY_KINDS, parseFaultSpec } from './fault-spec';
import { type FaultKind, type QueuedFault } from './types';

/** What an endpoint can do with a fault: JSON bodies can be truncated, SSE streams can stall. */
export type EndpointKind = 'json-feed' | 'sse';

function faultApplies(kind: FaultKind, endpoint: EndpointKind): boolean {
  if (SSE_ONLY_KINDS.has(kind)) return endpoint === 'sse';
  if (BODY_ONLY_KINDS.has(kind)) return endpoint === 'json-feed';
  return true;
}

export class FaultQueue {
  private faults: QueuedFault[] = [];
  private nextId = 1;

  /** Validates and queues; throws `ReplayError('INVALID_FAULT')`. */
  add(input: unknown): QueuedFault {
    const spec = parseFaultSpec(input);
    const queued: QueuedFault = { ...spec, id: this.nextId++, remaining: spec.count };
    this.faults.push(queued);
    return { ...queued };
  }

  /** Consumes one application of the first matching fault, if any. */
  take(path: string, endpoint: EndpointKind): QueuedFault | undefined {
    const fault = this.faults.find((f) => path.startsWith(f.path) && faultApplies(f.kind, endpoint));
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  pending(path: string, endpoint: EndpointKind): QueuedFault[] {
    return this.faults.filter((f) => path.startsWith(f.path) && faultApplies(f.kind, endpoint)).map((f) => ({ ...f }));
  }

  list(): QueuedFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }
}
