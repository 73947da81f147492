import Link from 'next/link';
import { getDatasets, getDatasetView, getPipelineSnapshot } from '../../lib/data';
import { Card } from '../common/card';
import { DriftCard } from '../drift/drift-card';
import { formatBytes, formatCount } from '../common/format';
import { DatasetInfoCard, LatestRows, NumericSummaries, RowsOverTime } from './widgets';

const WIDGETS = { info: DatasetInfoCard, rowsOverTime: RowsOverTime, numeric: NumericSummaries, latest: LatestRows } as const;

export async function DatasetWidget({ widget, dataset }: { widget: keyof typeof WIDGETS; dataset: string }) {
  const view = await getDatasetView(dataset);
  const Widget = WIDGETS[widget];
  return <Widget initial={view} />;
}

/** The dataset's schema drift (pushed with the pipeline snapshot every page receives). */
export async function DatasetDriftWidget({ dataset }: { dataset: string }) {
  return <DriftCard initial={await getPipelineSnapshot()} dataset={dataset} />;
}

/** Every dataset, defined or only present in the lake. */
export async function DatasetIndex() {
  const datasets = await getDatasets();
  return (
    <Card title="Datasets" subtitle="defined by configuration (libs/schema definitions, FLUXO_DEFINITIONS_DIR) or found in the lake" testId="dataset-index" wide>
      <div className="dataset-list">
        {datasets.map((dataset) => (
          <Link key={dataset.name} href={`/datasets/${dataset.name}`} className="dataset-link" data-testid={`dataset-${dataset.name}`}>
            <strong>{dataset.name}</strong>
            <div className="muted small">
              {formatCount(dataset.files)} files · {formatBytes(dataset.bytes)}
              {dataset.defined ? '' : ' · no definition'}
            </div>
            {dataset.description !== null && <div className="small">{dataset.description}</div>}
          </Link>
        ))}
      </div>
    </Card>
  );
}
