import { tableFromIPC, type RecordBatch, type Schema } from 'apache-arrow';
import { SparkConnectError } from './errors';
import type { ArrowBatch } from './protocol';

/**
 * Turns the `arrow_batch` responses of one operation into Arrow record batches. Each response holds
 * an Arrow IPC stream (schema + batches), or one chunk of one when the server chunks large batches.
 * Row counts and start offsets are checked, so a batch lost or repeated across a reattach fails
 * loudly (`PROTOCOL`) instead of returning wrong data.
 */
export class ArrowBatchDecoder {
  private schemaSeen: Schema | undefined;
  private rowsSeen = 0;
  private readonly chunks: Buffer[] = [];

  constructor(private readonly operationId: string) {}

  /** The result's schema, known after the first batch (Spark sends one even for an empty result). */
  get schema(): Schema | undefined {
    return this.schemaSeen;
  }

  get rows(): number {
    return this.rowsSeen;
  }

  decode(batch: ArrowBatch): RecordBatch[] {
    const data = this.assemble(batch);
    if (data === undefined) return [];
    const declaredOffset = toNumber(batch.start_offset);
    if (declaredOffset !== undefined && declaredOffset !== this.rowsSeen) {
      throw this.protocolError(`an Arrow batch starts at row ${declaredOffset}, but ${this.rowsSeen} rows were received before it`);
    }
    let table;
    try {
      table = tableFromIPC(data);
    } catch (error) {
      throw this.protocolError(`an Arrow batch does not decode: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    const rows = table.batches.reduce((sum, recordBatch) => sum + recordBatch.numRows, 0);
    const declaredRows = toNumber(batch.row_count);
    if (declaredRows !== undefined && declaredRows !== rows) throw this.protocolError(`an Arrow batch declares ${declaredRows} rows but holds ${rows}`);
    this.schemaSeen ??= table.schema;
    this.rowsSeen += rows;
    return table.batches;
  }

  /** Whole IPC bytes, or undefined while chunks of a batch are still arriving. */
  private assemble(batch: ArrowBatch): Uint8Array | undefined {
    const total = toNumber(batch.num_chunks_in_batch);
    if (total === undefined || total <= 1) {
      if (this.chunks.length > 0) throw this.protocolError('a whole Arrow batch arrived before the previous chunked batch was complete');
      return batch.data;
    }
    const index = toNumber(batch.chunk_index) ?? 0;
    if (index !== this.chunks.length) throw this.protocolError(`Arrow chunk ${index} arrived, expected chunk ${this.chunks.length} of ${total}`);
    this.chunks.push(batch.data);
    if (this.chunks.length < total) return undefined;
    const whole = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return whole;
  }

  private protocolError(message: string, cause?: unknown): SparkConnectError {
    return new SparkConnectError('PROTOCOL', `Operation ${this.operationId}: ${message}`, { cause, details: { operationId: this.operationId } });
  }
}

function toNumber(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : undefined;
}
