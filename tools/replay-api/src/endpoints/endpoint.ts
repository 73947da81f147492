/** The contract every replayed API endpoint implements; the router and state depend on it. */
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type EndpointKind } from '../fault-queue';
import { type FaultSpec } from '../types';

export interface EndpointCounters {
  requests: number;
  served: number;
  notModified: number;
  faulted: number;
}

export function newCounters(): EndpointCounters {
  return { requests: 0, served: 0, notModified: 0, faulted: 0 };
}

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** A fault this endpoint must apply itself (body and SSE faults); generic ones are applied by the router. */
  readonly fault: FaultSpec | undefined;
  readonly headOnly: boolean;
}

export interface Endpoint {
  readonly path: string;
  readonly realUrl: string;
  readonly kind: EndpointKind;
  /** Recorded responses (feeds) or recorded events before looping (SSE). */
  readonly recorded: number;
  readonly counters: EndpointCounters;
  position(): number;
  openStreams?(): number;
  handle(ctx: RequestContext): Promise<void> | void;
  reset(): void;
  /** Ends long-lived responses (SSE) before the server closes. */
  close?(): void;
}
