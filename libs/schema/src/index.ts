export { type Logger, silentLogger } from './logger';
export { FluxoError, type FluxoErrorOptions, describeError } from './fluxo-error';
export { SchemaError, type SchemaErrorCode } from './errors';
export { validatePlain, flattenValidationErrors } from './validation';
export {
  FileReference,
  ProducerIdentity,
  InputLineage,
  FILE_REFERENCE_VERSION,
  FILE_KINDS,
  NAME_PATTERN,
  LAKE_URI_PATTERN,
  type FileKind,
  type FileReferenceFields,
} from './events/file-reference';
export { parseFileReference, validateFileReference, serializeFileReference } from './events/parse-file-reference';
export {
  DeadLetterEvent,
  OriginalRecord,
  DEAD_LETTER_VERSION,
  PIPELINE_STAGES,
  encodeOriginal,
  type PipelineStage,
  type DeadLetterFields,
} from './events/dead-letter-event';
export { DEFAULT_TOPICS, type TopicRole } from './events/topics';
