import { FluxoError } from '@fluxo/schema';

/** Every way this library fails. Callers branch on the code, never on the message. */
export type MetricsErrorCode =
  /** Options are invalid (a port out of range, a check without a name). Never retriable. */
  | 'INVALID_OPTIONS'
  /** The endpoint could not listen (port in use, address not available). */
  | 'LISTEN_FAILED'
  /** A readiness check did not answer within its timeout. */
  | 'CHECK_TIMEOUT';

export class MetricsError extends FluxoError<MetricsErrorCode> {
  constructor(code: MetricsErrorCode, message: string, options: { readonly retriable?: boolean; readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>> } = {}) {
    super(code, message, options);
  }
}
