/**
 * The part of the OpenLineage 2-0-2 object model fluxo emits (https://openlineage.io/spec/2-0-2/OpenLineage.json):
 * run events with input and output datasets and facets. Every facet carries `_producer` and a
 * `_schemaURL` naming the JSON schema it follows: OpenLineage's standard facets, or fluxo's own
 * (`fluxo-facets.json`, `urn:fluxo:openlineage:facets:1-0-0`).
 */
export const OPENLINEAGE_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

/** Facet schema URLs (the versions vendored in `testing/openlineage`). */
export const FACET_SCHEMAS = {
  schema: 'https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet',
  version: 'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet',
  inputStatistics: 'https://openlineage.io/spec/facets/1-0-0/InputStatisticsInputDatasetFacet.json#/$defs/InputStatisticsInputDatasetFacet',
  outputStatistics: 'https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet',
  jobType: 'https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  processingEngine: 'https://openlineage.io/spec/facets/1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet',
  kafkaOffsets: 'urn:fluxo:openlineage:facets:1-0-0#/$defs/KafkaOffsetsInputDatasetFacet',
  kafkaRecord: 'urn:fluxo:openlineage:facets:1-0-0#/$defs/KafkaRecordInputDatasetFacet',
  dataFiles: 'urn:fluxo:openlineage:facets:1-0-0#/$defs/DataFilesOutputDatasetFacet',
  commit: 'urn:fluxo:openlineage:facets:1-0-0#/$defs/CommitRunFacet',
} as const;

export type EventType = 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';

export interface Facet {
  readonly _producer: string;
  readonly _schemaURL: string;
  readonly [field: string]: unknown;
}

export type Facets = Readonly<Record<string, Facet>>;

export interface Dataset {
  readonly namespace: string;
  readonly name: string;
  readonly facets?: Facets;
}

export interface InputDataset extends Dataset {
  readonly inputFacets?: Facets;
}

export interface OutputDataset extends Dataset {
  readonly outputFacets?: Facets;
}

export interface RunEvent {
  readonly eventType: EventType;
  /** ISO 8601 with time zone. */
  readonly eventTime: string;
  readonly producer: string;
  readonly schemaURL: string;
  readonly run: { readonly runId: string; readonly facets?: Facets };
  readonly job: { readonly namespace: string; readonly name: string; readonly facets?: Facets };
  readonly inputs: readonly InputDataset[];
  readonly outputs: readonly OutputDataset[];
}

/** A facet of the given schema, stamped with the producer. */
export function facet(producer: string, schemaURL: string, fields: Readonly<Record<string, unknown>>): Facet {
  return { _producer: producer, _schemaURL: schemaURL, ...fields };
}
