/**
 * Public contracts of the replay server. Implementations depend on this file, never the reverse.
 */
import { type Logger } from '@fluxo/schema';

/** How a recorded feed moves to its next recorded response. */
export type AdvanceMode = 'per-request' | 'clock';

export const FAULT_KINDS = [
  'status-429',
  'status-500',
  'status-503',
  'slow',
  'truncate',
  'malformed',
  'reset',
  'sse-drop-after',
  'sse-stall',
  'sse-garbage',
  'sse-refuse-resume',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** Fields every fault shares: which requests it hits and how many of them. */
interface FaultTarget {
  /** Path prefix matched against the request path (no query), e.g. `/earthquakes/` or `/v2/stream/recentchange`. */
  path: string;
  /** How many matching requests the fault applies to. Default 1. */
  count?: number;
}

export type FaultSpec = FaultTarget &
  (
    | { kind: 'status-429'; /** `Retry-After` in seconds. Default 1. */ retryAfterS?: number }
    | { kind: 'status-500' }
    | { kind: 'status-503'; /** Optional `Retry-After` in seconds. */ retryAfterS?: number }
    | { kind: 'slow'; /** Delay before the response headers. Default 1000. */ delayMs?: number }
    | { kind: 'truncate' }
    | { kind: 'malformed' }
    | { kind: 'reset' }
    | { kind: 'sse-drop-after'; /** Events sent before the stream closes. Default 1. */ events?: number }
    | {
        kind: 'sse-stall';
        /** Events sent before the stall. Default 1. */ afterEvents?: number;
        /** How long nothing is sent (no events, no heartbeats). Default 5000. */ ms?: number;
      }
    | {
        kind: 'sse-garbage';
        /** Events sent before the bad one. Default 1. */ afterEvents?: number;
        /** `non-json` (default): `data:` that JSON.parse rejects; `oversized`: one huge data line. */ variant?: 'non-json' | 'oversized';
        /** Size of the oversized data line. Default 1 MiB. */ bytes?: number;
      }
    | {
        kind: 'sse-refuse-resume';
        /** Events skipped past the live position, so the client sees a gap. Default 25. */ skipEvents?: number;
      }
  );

/** A fault in the queue, with its defaults filled in. */
export type QueuedFault = FaultSpec & { readonly id: number; count: number; remaining: number };

export interface SseOptions {
  /** Events per second per connection; 0 sends as fast as the client reads. Default 10. */
  eventsPerSecond?: number;
  /** Interval of the `:ok` comment heartbeat; 0 disables it. Default 15000. */
  heartbeatMs?: number;
}

export interface ReplayServerOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: an ephemeral port, read it from `ReplayServer.port`. */
  port?: number;
  /** Folder holding `usgs/`, `open-meteo/` and `wikimedia/`. Default: the fixtures shipped with this tool. */
  fixturesDir?: string;
  /** Default `per-request`. */
  advance?: AdvanceMode;
  /** Clock mode: recorded response i becomes current at start + i × stepMs. Default 10000. */
  stepMs?: number;
  sse?: SseOptions;
  /** Faults queued at startup. */
  faults?: FaultSpec[];
  /** Default: silent. */
  logger?: Logger;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  host: string;
  port: number;
  fixturesDir: string;
  advance: AdvanceMode;
  stepMs: number;
  sse: Required<SseOptions>;
  faults: FaultSpec[];
  logger: Logger;
}

export interface EndpointState {
  /** Route path, as served. */
  path: string;
  /** The real URL this path stands in for. */
  realUrl: string;
  kind: 'json-feed' | 'sse';
  /** Json feeds: index of the recorded response a request would get now. Sse: the highest sequence sent. */
  position: number;
  /** Number of recorded responses (feeds) or recorded events (sse, before looping). */
  recorded: number;
  requests: number;
  /** Feeds: 200 responses with a body. Sse: events written. */
  served: number;
  notModified: number;
  faulted: number;
  openStreams?: number;
  faultsPending: QueuedFault[];
}

export interface ReplayState {
  advance: AdvanceMode;
  stepMs: number;
  /** ISO time the positions were last (re)started. */
  startedAt: string;
  sse: Required<SseOptions>;
  endpoints: EndpointState[];
  faults: QueuedFault[];
}

export interface ReplayServer extends AsyncDisposable {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Queues a fault; throws `ReplayError` (`INVALID_FAULT`) listing every problem. */
  setFault(spec: FaultSpec): QueuedFault;
  /** Rewinds every feed and stream, restarts the clock and clears the fault queue. */
  reset(): void;
  state(): ReplayState;
  /** Ends open SSE streams and closes the server. Idempotent. */
  close(): Promise<void>;
}
