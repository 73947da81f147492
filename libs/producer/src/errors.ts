import { FluxoError, type FluxoErrorOptions } from '@fluxo/schema';

/**
 * Every way a producer's own state fails. None is retriable: a person must look at the state
 * folder (`STATE_CORRUPT`) or stop the other instance (`LOCKED`); `LOCK_FAILED` carries the errno.
 *
 * | code | meaning |
 * |---|---|
 * | `STATE_CORRUPT` | a state file or pending announcement is unreadable, of another version or source, or its raw file no longer matches |
 * | `LOCKED` | another live process holds the state folder |
 * | `LOCK_FAILED` | the lock file could not be created (permissions, disk) |
 */
export type ProducerErrorCode = 'STATE_CORRUPT' | 'LOCKED' | 'LOCK_FAILED';

export class ProducerError extends FluxoError<ProducerErrorCode> {
  constructor(code: ProducerErrorCode, message: string, options: FluxoErrorOptions = {}) {
    super(code, message, { ...options, retriable: false });
  }
}
