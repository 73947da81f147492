'use client';

import { useEffect, useState } from 'react';
import { formatDuration } from '../common/format';
import { useLive } from './live-provider';

const LABELS = { connecting: 'Connecting…', live: 'Live', stale: 'Stale', disconnected: 'Disconnected' } as const;

/** Header badge: is this page receiving pushed updates, and is Kafka reachable? */
export function ConnectionBadge() {
  const live = useLive();
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const kafka = live.pipeline?.kafka;
  const age = now !== null && live.lastMessageAt !== null ? now - live.lastMessageAt : null;
  let detail = '';
  if (live.connection === 'live') detail = age === null ? '' : age < 1_500 ? 'updated just now' : `updated ${formatDuration(age)} ago`;
  else if (live.connection === 'stale') detail = `no update for ${formatDuration(age)}`;
  else if (live.connection === 'disconnected') detail = 'reconnecting…';
  return (
    <div className="badges">
      <span className={`badge badge-${live.connection}`} data-testid="connection-badge" data-state={live.connection} title="Server-Sent Events connection of this page">
        <span className="dot" aria-hidden="true" />
        {LABELS[live.connection]}
        {detail !== '' && <span className="badge-detail">{detail}</span>}
      </span>
      {kafka !== undefined && (
        <span className={`badge badge-kafka-${kafka.state}`} data-testid="kafka-badge" data-state={kafka.state} title={kafka.message ?? kafka.brokers.join(', ')}>
          <span className="dot" aria-hidden="true" />
          Kafka {kafka.state === 'connected' ? 'connected' : kafka.state === 'unreachable' ? 'unreachable' : 'connecting…'}
        </span>
      )}
    </div>
  );
}

/** A banner over the page content while the stream is down or silent. */
export function ConnectionBanner() {
  const live = useLive();
  if (live.connection === 'disconnected') {
    return (
      <div className="banner banner-error" role="alert" data-testid="disconnected-banner">
        Disconnected from the dashboard server — showing the last data received; reconnecting automatically.
      </div>
    );
  }
  if (live.connection === 'stale') {
    return (
      <div className="banner banner-warn" role="status" data-testid="stale-banner">
        No update received for a while — the numbers below may be stale.
      </div>
    );
  }
  if (live.pipeline?.kafka.state === 'unreachable') {
    return (
      <div className="banner banner-warn" role="status" data-testid="kafka-banner">
        {live.pipeline.kafka.message ?? 'Kafka is unreachable.'} Lake data is still shown; lag and dead letters are not.
      </div>
    );
  }
  return null;
}
