/**
 * @fluxo/replay-api: a local HTTP/SSE server replaying recorded real API responses (USGS,
 * Open-Meteo, Wikimedia EventStreams) at their real paths, with fault injection.
 */
export { startReplayServer } from './server';
export { ReplayError, type ReplayErrorCode } from './errors';
export { DEFAULTS } from './options';
export { formatEventId, parseLastEventId, type ResumePosition } from './sse/event-id';
export { USGS_FEED_PREFIX } from './endpoints/usgs-feed';
export { OPEN_METEO_PATH } from './endpoints/open-meteo-forecast';
export { RECENTCHANGE_PATH } from './endpoints/recentchange-sse';
export {
  FAULT_KINDS,
  type AdvanceMode,
  type EndpointState,
  type FaultKind,
  type FaultSpec,
  type QueuedFault,
  type ReplayServer,
  type ReplayServerOptions,
  type ReplayState,
  type SseOptions,
} from './types';
