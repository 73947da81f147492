/**
 * Writes a Server-Sent Events stream to one response, honouring back-pressure.
 * Frames follow the EventSource format: `field: value` lines, then a blank line.
 */
import { type ServerResponse } from 'node:http';

export interface SseFrame {
  event?: string;
  id?: string;
  /** One line; callers must not pass CR or LF. */
  data: string;
}

function formatFrame(frame: SseFrame): string {
  const lines: string[] = [];
  if (frame.event !== undefined) lines.push(`event: ${frame.event}`);
  if (frame.id !== undefined) lines.push(`id: ${frame.id}`);
  lines.push(`data: ${frame.data}`);
  return `${lines.join('\n')}\n\n`;
}

export class SseWriter {
  private isClosed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(private readonly res: ServerResponse) {
    res.on('close', () => {
      this.isClosed = true;
      for (const listener of this.closeListeners.splice(0)) listener();
    });
  }

  get closed(): boolean {
    return this.isClosed || this.res.destroyed;
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  start(headers: Record<string, string>): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      ...headers,
    });
    this.res.flushHeaders();
  }

  /** Resolves once the chunk is buffered and the socket can take more (or the stream closed). */
  async write(chunk: string): Promise<void> {
    if (this.closed) return;
    if (this.res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        resolve();
      };
      this.res.once('drain', done);
      this.onClose(done);
    });
  }

  event(frame: SseFrame): Promise<void> {
    return this.write(formatFrame(frame));
  }

  comment(text: string): Promise<void> {
    return this.write(`:${text}\n\n`);
  }

  /** Ends the stream cleanly (the client sees EOF). */
  end(): void {
    if (!this.closed) this.res.end();
  }

  /** Drops the connection abruptly. */
  destroy(): void {
    this.res.destroy();
  }
}
