import { Counter, DURATION_BUCKETS_SECONDS, Gauge, Histogram, type Registry } from '@fluxo/metrics';
import type { HttpObserver } from '../http/http-fetcher';
import type { PollOutcome, SourcePoller } from '../poll/source-poller';

export type PollingSource = Pick<SourcePoller, 'name' | 'poll'>;

/**
 * ingest's own families (files, records, bytes, dead letters and Kafka produce latency are the shared
 * `PipelineMetrics`, recorded by the measured announcer):
 *
 * - `fluxo_ingest_polls_total{source, outcome}`: announced, unchanged, not_modified, quarantined, failed;
 * - `fluxo_ingest_poll_duration_seconds{source}`; `fluxo_ingest_last_success_timestamp_seconds{source}`;
 * - `fluxo_http_requests_total{source, code}`: one per attempt, `code` the HTTP status or the error code;
 * - `fluxo_http_request_duration_seconds{source}`; `fluxo_http_retries_total{source, reason}`.
 */
export class IngestMetrics {
  private readonly polls: Counter<'source' | 'outcome'>;
  private readonly pollSeconds: Histogram<'source'>;
  private readonly lastSuccess: Gauge<'source'>;
  private readonly requests: Counter<'source' | 'code'>;
  private readonly requestSeconds: Histogram<'source'>;
  private readonly retries: Counter<'source' | 'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.polls = new Counter({ name: 'fluxo_ingest_polls_total', help: 'Polls by outcome', labelNames: ['source', 'outcome'] as const, registers });
    this.pollSeconds = new Histogram({ name: 'fluxo_ingest_poll_duration_seconds', help: 'One poll: fetch (with retries), write, announce', labelNames: ['source'] as const, buckets: [...DURATION_BUCKETS_SECONDS], registers });
    this.lastSuccess = new Gauge({ name: 'fluxo_ingest_last_success_timestamp_seconds', help: 'When a poll of the source last succeeded (Unix time)', labelNames: ['source'] as const, registers });
    this.requests = new Counter({ name: 'fluxo_http_requests_total', help: 'HTTP attempts by HTTP status, or by error code when there was no response', labelNames: ['source', 'code'] as const, registers });
    this.requestSeconds = new Histogram({ name: 'fluxo_http_request_duration_seconds', help: 'One HTTP attempt, body included', labelNames: ['source'] as const, buckets: [...DURATION_BUCKETS_SECONDS], registers });
    this.retries = new Counter({ name: 'fluxo_http_retries_total', help: 'HTTP attempts retried, by the status or error code that caused it', labelNames: ['source', 'reason'] as const, registers });
  }

  /** The HttpFetcher observer of one source. */
  http(source: string): HttpObserver {
    return {
      attempted: (code, durationMs) => {
        this.requests.inc({ source, code });
        this.requestSeconds.observe({ source }, durationMs / 1000);
      },
      retrying: (reason) => this.retries.inc({ source, reason }),
    };
  }

  /** The poller, its polls counted and timed by outcome. */
  measured(poller: PollingSource): PollingSource {
    return {
      name: poller.name,
      poll: async () => {
        const source = poller.name;
        const end = this.pollSeconds.startTimer({ source });
        let outcome: PollOutcome;
        try {
          outcome = await poller.poll();
        } catch (error) {
          this.polls.inc({ source, outcome: 'failed' });
          end();
          throw error;
        }
        end();
        this.polls.inc({ source, outcome: outcome.kind.replace('-', '_') });
        if (outcome.kind !== 'quarantined') this.lastSuccess.set({ source }, Date.now() / 1000);
        return outcome;
      },
    };
  }
}
