'use client';

import type { PipelineSnapshot } from '../../lib/definitions';
import { Card } from '../common/card';
import { formatCount, formatRate, formatTime } from '../common/format';
import { Loadable } from '../common/loadable';
import { usePipeline } from '../live/live-provider';

/** Records and files per second for each stage: ingest per source, stream-ingest, normalizer per dataset. */
export function StagesCard({ initial }: { initial: PipelineSnapshot }) {
  const { throughput } = usePipeline(initial);
  return (
    <Card title="Stages" subtitle="records and files written per second over the last minute" testId="stages" wide>
      <Loadable loaded={throughput}>
        {(data) => (
          <div className="stage-grid">
            {data.stages.map((stage) => (
              <div className={`stage stage-${stage.stage}`} key={`${stage.stage}/${stage.name}`} data-testid={`stage-${stage.stage}-${stage.name}`}>
                <div className="stage-head">
                  <span className="stage-kind">{stage.stage}</span>
                  <span className="stage-name">{stage.name}</span>
                </div>
                <div className="stage-rates">
                  <div>
                    <span className="stage-number">{formatRate(stage.recordsPerSecond)}</span> records/s
                  </div>
                  <div>
                    <span className="stage-number">{formatRate(stage.filesPerSecond)}</span> files/s
                  </div>
                </div>
                <div className="stage-totals">
                  <span data-testid="stage-total-records">{formatCount(stage.totalRecords)}</span> records in{' '}
                  <span data-testid="stage-total-files">{formatCount(stage.totalFiles)}</span> files · last {formatTime(stage.lastFileAt)}
                </div>
              </div>
            ))}
          </div>
        )}
      </Loadable>
    </Card>
  );
}
