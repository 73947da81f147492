/**
 * Polls until `read` returns a value `done` accepts, and returns it. A `read` that throws is tried
 * again (the thing read may not exist yet); at the deadline it fails with the last value and error
 * seen. Waits on a condition, never for a duration: the deadline is generous because machines are busy.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, description: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    let failure: unknown;
    try {
      value = await read();
      if (done(value)) return value;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting until ${description}; last value: ${JSON.stringify(value)}${failure === undefined ? '' : `; last error: ${String(failure)}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
