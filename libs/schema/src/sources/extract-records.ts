import { JsonScanner, type ScanTarget } from './json-scanner';
import { parseRecordPath, readPath } from './record-path';
import {
  compileRecordPlan,
  isPlainObject,
  isRejected,
  ResponseShapeError,
  zipColumns,
  type ExtractedRecord,
  type RecordPlan,
  type RejectedRecord,
} from './record-shapes';
import type { SourceDefinition } from './source-definition';

export { ResponseShapeError, parseTime, type ExtractedRecord, type RejectedRecord } from './record-shapes';
export { JsonSyntaxError } from './json-scanner';

export interface ExtractionResult {
  readonly records: ExtractedRecord[];
  /** Records skipped because their key could not be read, with why: they go to the dead letter. */
  readonly rejected: RejectedRecord[];
}

/**
 * Extracts the records of an already parsed response (tests, dry runs). Throws
 * `ResponseShapeError` when the records are not where the definition says. Ingest streams instead:
 * see `ResponseExtraction`.
 */
export function createRecordExtractor(source: SourceDefinition): (response: unknown) => ExtractionResult {
  const plan = compileRecordPlan(source);
  return (response) => {
    const records: ExtractedRecord[] = [];
    const rejected: RejectedRecord[] = [];
    const rows: { row: unknown; member: string | number | undefined }[] = [];
    if (plan.format === 'ndjson') {
      for (const line of Array.isArray(response) ? response : [response]) rows.push({ row: line, member: undefined });
    } else {
      const container = readPath({ from: 'record', steps: plan.container }, response, undefined);
      rows.push(...containerRows(plan, container, source.records.path));
    }
    const context = plan.contextFields.length === 0 ? null : pick(response, plan.contextFields);
    const contextText = context === null ? null : JSON.stringify(context);
    for (const { row, member } of rows) {
      for (const shaped of plan.shape(row, member)) {
        const result = plan.identify(shaped, context, contextText);
        if (isRejected(result)) rejected.push(result);
        else records.push(result);
      }
    }
    return { records, rejected };
  };
}

function containerRows(plan: RecordPlan, container: unknown, path: string): { row: unknown; member: string | number | undefined }[] {
  switch (plan.layout) {
    case 'rows':
      if (!Array.isArray(container)) throw new ResponseShapeError(`records.path "${path}" is not an array in the response`);
      return container.map((row, index) => ({ row, member: index }));
    case 'keyed':
      if (!isPlainObject(container)) throw new ResponseShapeError(`records.path "${path}" is not an object in the response`);
      return Object.entries(container).map(([member, row]) => ({ row, member }));
    case 'columns':
      return zipColumns(container, path).map((row, index) => ({ row, member: index }));
  }
}

function pick(response: unknown, fields: readonly string[]): Record<string, unknown> {
  const source = isPlainObject(response) ? response : {};
  return Object.fromEntries(fields.map((field) => [field, source[field] ?? null]));
}

/** What one `write` or `end` brought: complete records and rejected ones. */
export interface ExtractionBatch {
  readonly records: ExtractedRecord[];
  readonly rejected: RejectedRecord[];
}

export interface ResponseExtractionOptions {
  /** Envelope paths to read (e.g. a paging cursor); their values are in `end().envelope`. */
  readonly envelope?: readonly string[];
  /** Collect the field paths the records hold (see `fields()`), for reporting unmapped ones. */
  readonly inventory?: boolean;
}

/** Field paths collected down to this depth (`properties.mag` is depth 2). */
const INVENTORY_DEPTH = 3;
/** Distinct field paths collected at most per extraction (a record with free-form keys cannot grow it without bound). */
const INVENTORY_MAX = 1000;

/**
 * Extracts records from a response body as its bytes arrive: JSON (the records container is
 * scanned, each record parsed alone) or NDJSON (each line a record). Records are handed over by
 * the `write` that completes them, so memory stays at one chunk plus one record — except when
 * `records.context` fields come after the records in the body: those records wait for the end.
 * Throws `JsonSyntaxError` for a body that is not JSON, `ResponseShapeError` when the records are
 * not where the definition says.
 */
export class ResponseExtraction {
  private readonly plan: RecordPlan;
  private readonly scanner: JsonScanner | undefined;
  private readonly path: string;
  private readonly envelopePaths: readonly string[];
  private readonly context: Record<string, unknown> = {};
  private contextSeen = 0;
  private contextText: string | null = null;
  private containerSeen = false;
  private columns: unknown = undefined;
  private waiting: { row: unknown; member: string | number | undefined }[] = [];
  private readonly envelope = new Map<string, unknown>();
  private readonly inventory: Set<string> | undefined;
  private line: Uint8Array[] = [];
  private lineBytes = 0;
  private lineNumber = 0;
  private total = 0;

  constructor(source: SourceDefinition, options: ResponseExtractionOptions = {}) {
    this.plan = compileRecordPlan(source);
    this.path = source.records.path;
    this.envelopePaths = options.envelope ?? [];
    this.inventory = options.inventory === true ? new Set() : undefined;
    for (const field of this.plan.contextFields) this.context[field] = null;
    if (this.plan.contextFields.length === 0) this.contextSeen = -1;
    if (this.plan.format === 'json') {
      const targets: ScanTarget[] = [
        { id: 'records', path: this.plan.container, mode: this.plan.layout === 'columns' ? 'value' : 'members' },
        ...this.plan.contextFields.map((field): ScanTarget => ({ id: `context:${field}`, path: [field], mode: 'value' })),
        ...this.envelopePaths.map((path): ScanTarget => ({ id: `envelope:${path}`, path: parseRecordPath(path).steps, mode: 'value' })),
      ];
      this.scanner = new JsonScanner(targets);
    }
  }

  /** Records handed over so far (shaped, before identity checks). */
  get records(): number {
    return this.total;
  }

  write(chunk: Uint8Array): ExtractionBatch {
    const batch: ExtractionBatch = { records: [], rejected: [] };
    if (this.scanner === undefined) {
      this.writeLines(chunk, batch);
      return batch;
    }
    const values = this.scanner.write(chunk);
    this.checkContainers();
    for (const value of values) this.take(value.target, value.member, value.value, batch);
    return batch;
  }

  /** Completes the body; `envelope` holds the values of the requested envelope paths (undefined when absent). */
  end(): ExtractionBatch & { readonly envelope: ReadonlyMap<string, unknown> } {
    const batch: ExtractionBatch = { records: [], rejected: [] };
    if (this.scanner === undefined) {
      if (this.lineBytes > 0) this.takeLine(batch);
      return { ...batch, envelope: this.envelope };
    }
    const values = this.scanner.end();
    this.checkContainers();
    for (const value of values) this.take(value.target, value.member, value.value, batch);
    if (!this.containerSeen) throw new ResponseShapeError(`records.path "${this.path}" is not in the response`);
    if (this.plan.layout === 'columns') {
      this.waiting = zipColumns(this.columns, this.path).map((row, index) => ({ row, member: index }));
    }
    this.contextSeen = -1;
    this.flushWaiting(batch);
    return { ...batch, envelope: this.envelope };
  }

  /** Field paths seen in the records (with `inventory`), e.g. `properties.mag`, `geometry.coordinates`. */
  fields(): ReadonlySet<string> {
    return this.inventory ?? new Set();
  }

  private checkContainers(): void {
    for (const container of this.scanner?.takeContainers() ?? []) {
      this.containerSeen = true;
      const expected = this.plan.layout === 'rows' ? 'array' : 'object';
      if (container.kind !== expected) {
        throw new ResponseShapeError(`records.path "${this.path}" is not ${expected === 'array' ? 'an array' : 'an object'} in the response`);
      }
    }
  }

  private take(target: string, member: string | number | undefined, value: unknown, batch: ExtractionBatch): void {
    if (target === 'records') {
      if (this.plan.layout === 'columns') {
        this.containerSeen = true;
        this.columns = value;
        return;
      }
      if (this.contextSeen >= 0) this.waiting.push({ row: value, member });
      else this.emit(value, member, batch);
      return;
    }
    if (target.startsWith('context:')) {
      this.context[target.slice('context:'.length)] = value ?? null;
      this.contextSeen += 1;
      if (this.contextSeen >= this.plan.contextFields.length) {
        this.contextSeen = -1;
        this.flushWaiting(batch);
      }
      return;
    }
    this.envelope.set(target.slice('envelope:'.length), value);
  }

  private flushWaiting(batch: ExtractionBatch): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const { row, member } of waiting) this.emit(row, member, batch);
  }

  private emit(row: unknown, member: string | number | undefined, batch: ExtractionBatch): void {
    const context = this.plan.contextFields.length === 0 ? null : this.context;
    if (context !== null && this.contextText === null) this.contextText = JSON.stringify(context);
    for (const shaped of this.plan.shape(row, member)) {
      this.total += 1;
      if (this.inventory !== undefined) collectFields(shaped, '', 0, this.inventory);
      const result = this.plan.identify(shaped, context, this.contextText);
      if (isRejected(result)) batch.rejected.push(result);
      else batch.records.push(result);
    }
  }

  private writeLines(chunk: Uint8Array, batch: ExtractionBatch): void {
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, from);
      if (newline < 0) {
        if (from < chunk.length) {
          this.line.push(chunk.subarray(from));
          this.lineBytes += chunk.length - from;
        }
        return;
      }
      this.line.push(chunk.subarray(from, newline));
      this.lineBytes += newline - from;
      this.takeLine(batch);
      from = newline + 1;
    }
  }

  private takeLine(batch: ExtractionBatch): void {
    this.lineNumber += 1;
    const text = Buffer.concat(this.line, this.lineBytes).toString('utf8').trim();
    this.line = [];
    this.lineBytes = 0;
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      batch.rejected.push({ record: text, reason: `line ${this.lineNumber} is not JSON: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    this.containerSeen = true;
    this.emit(value, this.lineNumber - 1, batch);
  }
}

function collectFields(value: unknown, prefix: string, depth: number, into: Set<string>): void {
  if (into.size >= INVENTORY_MAX) return;
  if (isPlainObject(value) && depth < INVENTORY_DEPTH) {
    for (const [name, child] of Object.entries(value)) collectFields(child, prefix === '' ? name : `${prefix}.${name}`, depth + 1, into);
    return;
  }
  if (prefix !== '') into.add(prefix);
}
