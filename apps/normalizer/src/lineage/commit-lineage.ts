import { join } from 'node:path';
import { RAW_SCHEMA } from '@fluxo/parquet-io';
import { FACET_SCHEMAS, facet, OPENLINEAGE_SCHEMA_URL, type InputDataset, type LineageEmitter, type OutputDataset, type RunEvent } from '@fluxo/lineage';
import { uuidFrom } from '@fluxo/curation';
import type { CommitObserver, CommitReport, CommittedDataset } from '@fluxo/curation';

/** How this normalizer names things in lineage events (OpenLineage naming conventions where they exist). */
export interface LineageNaming {
  /** Namespace of the jobs (`normalizer.<dataset>`), FLUXO_LINEAGE_NAMESPACE. */
  readonly jobNamespace: string;
  /** `urn:fluxo:normalizer:<version>`: who produced the events and facets. */
  readonly producer: string;
  readonly version: string;
  /** Absolute lake root: raw inputs are local files (namespace `file`, name = absolute path). */
  readonly lakeRoot: string;
  /** `kafka://host:port` of the first bootstrap broker (the OpenLineage Kafka namespace). */
  readonly kafkaNamespace: string;
  /** Namespace of the curated tables: `ducklake:` + the catalog location (no password). */
  readonly tableNamespace: string;
  /** Name prefix of the tables: the catalog alias and schema, `fluxo.main`. */
  readonly tablePrefix: string;
}

/**
 * The OpenLineage run of one catalog commit of one dataset: a START (the inputs) and a COMPLETE
 * (inputs and outputs) with the same run id, derived from the table and the snapshot, so a commit
 * announced again after a crash repeats the same run instead of adding one.
 *
 * - inputs: each raw file (schema, sha256 as version, rows and bytes read, the Kafka record that
 *   announced it) and the raw-files topic (offsets consumed per partition, consumer group);
 * - output: the curated table with its snapshot id as version, its schema, rows/bytes/files written
 *   and the data files the commit added.
 */
export function commitLineageEvents(report: CommitReport, dataset: CommittedDataset, naming: LineageNaming): RunEvent[] {
  const { producer } = naming;
  const jobName = `normalizer.${dataset.table.name}`;
  const runId = uuidFrom(`${naming.tableNamespace}:${naming.tablePrefix}.${dataset.table.name}:${report.snapshotId}`);
  const inputs: InputDataset[] = [
    ...dataset.inputs.map(
      (input): InputDataset => ({
        namespace: 'file',
        name: join(naming.lakeRoot, input.reference.uri),
        facets: {
          schema: facet(producer, FACET_SCHEMAS.schema, { fields: RAW_SCHEMA.map((column, index) => ({ name: column.name, type: column.type, ordinal_position: index + 1 })) }),
          version: facet(producer, FACET_SCHEMAS.version, { datasetVersion: input.reference.sha256 }),
        },
        inputFacets: {
          inputStatistics: facet(producer, FACET_SCHEMAS.inputStatistics, { rowCount: input.rows, size: input.reference.bytes, fileCount: 1 }),
          fluxo_kafkaRecord: facet(producer, FACET_SCHEMAS.kafkaRecord, { topic: input.message.topic, partition: input.message.partition, offset: input.message.offset, eventId: input.reference.eventId }),
        },
      }),
    ),
    ...topicInputs(report, dataset, naming),
  ];
  const outputs: OutputDataset[] = [
    {
      namespace: naming.tableNamespace,
      name: `${naming.tablePrefix}.${dataset.table.name}`,
      facets: {
        schema: facet(producer, FACET_SCHEMAS.schema, { fields: dataset.table.columns.map((column, index) => ({ name: column.name, type: column.sqlType, ordinal_position: index + 1 })) }),
        version: facet(producer, FACET_SCHEMAS.version, { datasetVersion: String(report.snapshotId) }),
      },
      outputFacets: {
        outputStatistics: facet(producer, FACET_SCHEMAS.outputStatistics, {
          rowCount: dataset.files.reduce((sum, file) => sum + file.rows, 0),
          size: dataset.files.reduce((sum, file) => sum + file.bytes, 0),
          fileCount: dataset.files.length,
        }),
        fluxo_dataFiles: facet(producer, FACET_SCHEMAS.dataFiles, { snapshotId: report.snapshotId, files: dataset.files.map((file) => ({ path: file.path, rows: file.rows, bytes: file.bytes })) }),
      },
    },
  ];
  const run = {
    runId,
    facets: {
      processing_engine: facet(producer, FACET_SCHEMAS.processingEngine, { name: 'fluxo-normalizer', version: naming.version }),
      fluxo_commit: facet(producer, FACET_SCHEMAS.commit, { group: report.group, snapshotId: report.snapshotId, replayed: report.replayed }),
    },
  };
  const job = { namespace: naming.jobNamespace, name: jobName, facets: { jobType: facet(producer, FACET_SCHEMAS.jobType, { processingType: 'STREAMING', integration: 'FLUXO', jobType: 'COMMIT' }) } };
  const base = { producer, schemaURL: OPENLINEAGE_SCHEMA_URL, run, job };
  return [
    { ...base, eventType: 'START', eventTime: new Date(report.startedAtMs).toISOString(), inputs, outputs: [] },
    { ...base, eventType: 'COMPLETE', eventTime: new Date(report.committedAtMs).toISOString(), inputs, outputs },
  ];
}

/** The raw-files topic(s) as inputs: per partition, the first and last offset of the commit. */
function topicInputs(report: CommitReport, dataset: CommittedDataset, naming: LineageNaming): InputDataset[] {
  const byTopic = new Map<string, Map<number, { first: bigint; last: bigint }>>();
  for (const { message } of dataset.inputs) {
    const partitions = byTopic.get(message.topic) ?? new Map<number, { first: bigint; last: bigint }>();
    byTopic.set(message.topic, partitions);
    const offset = BigInt(message.offset);
    const range = partitions.get(message.partition);
    partitions.set(message.partition, range === undefined ? { first: offset, last: offset } : { first: offset < range.first ? offset : range.first, last: offset > range.last ? offset : range.last });
  }
  return [...byTopic].map(([topic, partitions]) => ({
    namespace: naming.kafkaNamespace,
    name: topic,
    inputFacets: {
      fluxo_kafkaOffsets: facet(naming.producer, FACET_SCHEMAS.kafkaOffsets, {
        group: report.group,
        partitions: [...partitions].sort(([a], [b]) => a - b).map(([partition, range]) => ({ partition, firstOffset: range.first.toString(), lastOffset: range.last.toString() })),
      }),
    },
  }));
}

/** Emits the lineage of every commit (commit observer); rows kept out are not lineage. */
export class CommitLineage implements Pick<CommitObserver, 'committed'> {
  constructor(
    private readonly emitter: LineageEmitter,
    private readonly naming: LineageNaming,
  ) {}

  async committed(report: CommitReport): Promise<void> {
    if (report.snapshotId < 0) return; // nothing committed (another member did it)
    await this.emitter.emit(report.datasets.flatMap((dataset) => commitLineageEvents(report, dataset, this.naming)));
  }
}
