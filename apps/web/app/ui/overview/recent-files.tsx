'use client';

import type { PipelineSnapshot } from '../../lib/definitions';
import { Card } from '../common/card';
import { formatBytes, formatClock, formatCount } from '../common/format';
import { useLive, usePipeline } from '../live/live-provider';

/** Curated files as the normalizer announces them on Kafka; the ones that arrived while the page was open are highlighted. */
export function RecentFilesCard({ initial }: { initial: PipelineSnapshot }) {
  const snapshot = usePipeline(initial);
  const { files: live } = useLive();
  const seen = new Set(live.map((file) => file.uri));
  const files = [...live, ...snapshot.recentFiles.filter((file) => !seen.has(file.uri))].slice(0, 10);
  return (
    <Card title="Latest curated files" subtitle={`announced on Kafka · ${live.length} new since this page opened`} testId="recent-files">
      {files.length === 0 ? (
        <p className="muted">{snapshot.kafka.state === 'unreachable' ? 'Kafka is unreachable: no announcements.' : 'No curated file announced yet.'}</p>
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th>produced</th>
              <th>dataset</th>
              <th className="num">rows</th>
              <th className="num">size</th>
              <th>file</th>
            </tr>
          </thead>
          <tbody>
            {files.map((file) => (
              <tr key={file.uri} className={seen.has(file.uri) ? 'fresh' : undefined} data-testid={seen.has(file.uri) ? 'live-file' : 'file'}>
                <td>{formatClock(file.producedAt)}</td>
                <td>{file.dataset}</td>
                <td className="num">{formatCount(file.rows)}</td>
                <td className="num">{formatBytes(file.bytes)}</td>
                <td className="mono ellipsis" title={file.uri}>
                  {file.uri.split('/').slice(-2).join('/')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
