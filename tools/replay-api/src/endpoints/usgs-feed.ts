/**
 * `GET /earthquakes/feed/v1.0/summary/<feed>.geojson`: the recorded polls of one USGS summary
 * feed, advancing per the cursor, with a strong ETag (sha256 of the body) and Last-Modified
 * (`metadata.generated`). A conditional request is evaluated against the poll it would receive:
 * a client holding an older poll's validators gets the next poll, one holding the current poll's
 * gets 304 (and, in per-request mode, does not move the feed).
 */
import { type Logger } from '@fluxo/schema';
import { httpDate, isNotModified } from '../http/conditional';
import { sendRecorded } from '../http/send-recorded';
import { type UsgsFeedRecording } from '../recordings/load-usgs';
import { type RecordingCursor } from '../recording-cursor';
import { type Endpoint, type RequestContext, newCounters } from './endpoint';

export const USGS_FEED_PREFIX = '/earthquakes/feed/v1.0/summary/';
const REAL_ORIGIN = 'https://earthquake.usgs.gov';

export function usgsFeedEndpoint(recording: UsgsFeedRecording, cursor: RecordingCursor, logger: Logger): Endpoint {
  const path = `${USGS_FEED_PREFIX}${recording.feed}.geojson`;
  const counters = newCounters();
  const log = logger.child({ endpoint: path });

  return {
    path,
    realUrl: `${REAL_ORIGIN}${path}`,
    kind: 'json-feed',
    recorded: recording.polls.length,
    counters,
    position: () => cursor.current(),
    reset: () => cursor.reset(),
    handle({ req, res, fault, headOnly }: RequestContext): void {
      const index = cursor.current();
      const poll = recording.polls[index];
      if (poll === undefined) throw new RangeError(`no poll ${index} for ${path}`);
      const validators = { ETag: poll.etag, 'Last-Modified': httpDate(poll.producedMs) };
      if (isNotModified(req.headers, poll.etag, poll.producedMs)) {
        counters.notModified += 1;
        res.writeHead(304, { ...validators, 'Access-Control-Allow-Origin': '*' });
        res.end();
        log.debug({ poll: index, file: poll.label }, 'not modified');
        return;
      }
      const outcome = sendRecorded(
        res,
        poll.body,
        { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', ...validators },
        { headOnly, fault: fault?.kind },
      );
      if (outcome === 'complete' && !headOnly) {
        counters.served += 1;
        cursor.advance();
      }
      log.debug({ poll: index, file: poll.label, outcome, headOnly }, 'served poll');
    },
  };
}
