import { FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

export type NormalizerErrorCode = 'NOT_A_RAW_FILE' | 'DATASET_MISMATCH' | 'SCHEMA_MISMATCH' | 'ATTEMPTS_EXHAUSTED' | 'LEGACY_LAYOUT' | 'ENGINE_OUTPUT_MISSING' | 'ENGINE_UNAVAILABLE';

/** Errors the normalizer raises itself; library errors (SchemaError, ParquetIoError…) pass through. */
export class NormalizerError extends FluxoError<NormalizerErrorCode> {
  constructor(code: NormalizerErrorCode, message: string, options: FluxoErrorOptions = {}) {
    super(code, message, options);
  }
}
