export { OPENLINEAGE_SCHEMA_URL, FACET_SCHEMAS, facet, type RunEvent, type EventType, type Facet, type Facets, type Dataset, type InputDataset, type OutputDataset } from './openlineage';
export { LineageEmitter, type LineageEmitterOptions, type LineageTransportOptions, type LineageTransport, type LineageOutcome } from './lineage-emitter';
export { LineageError, type LineageErrorCode } from './errors';
