// @ts-check
/** A failure the CLI reports as one message (no stack trace) with a chosen exit code. */
export class LocalS3Error extends Error {
  /**
   * @param {string} message what went wrong and how to fix it
   * @param {number} [exitCode] 2 for missing prerequisites, 1 otherwise
   */
  constructor(message, exitCode = 1) {
    super(message);
    this.name = 'LocalS3Error';
    this.exitCode = exitCode;
  }
}
