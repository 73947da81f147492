import { relative, sep } from 'node:path';
import { deadLetterEvent, encodeOriginal, type Announcer, type FileReference, type Logger } from '@fluxo/schema';
import { writeFileAtomically, type Lake } from '@fluxo/parquet-io';
import type { ConsumedReference } from '../ports';

export interface DeadLetterInput {
  readonly message: ConsumedReference;
  readonly reason: string;
  readonly description: string;
  readonly reference?: FileReference;
  readonly quarantineUri?: string;
  readonly details?: Record<string, unknown>;
}

/**
 * Parks what the normalizer cannot process: a JSON record in `<lake>/quarantine/normalizer/…`
 * (reason, the original Kafka record verbatim, the parsed reference if any) and an event on the
 * dead-letter topic pointing at it. Nothing that fails is dropped without both.
 *
 * Dead letters leave the process (anyone reading the topic sees them), so neither carries SQL
 * text nor an absolute path (`scrubDeadLetter`): a description keeps its first line, `details.sql`
 * is dropped, paths inside the lake become lake URIs and any other absolute path
 * `<path outside the lake>`. The log line keeps everything, for the operator.
 */
export class DeadLetters {
  constructor(
    private readonly lake: Lake,
    private readonly announcer: Announcer,
    private readonly logger: Logger,
  ) {}

  async send(unsafe: DeadLetterInput): Promise<void> {
    const input = scrubDeadLetter(unsafe, this.lake.root);
    const { message, reason } = input;
    const now = new Date();
    const original = { ...encodeOriginal(message.value), topic: message.topic, partition: message.partition, offset: message.offset, ...(message.key === null ? {} : { key: message.key }) };
    const recordUri = input.quarantineUri ?? (await this.writeRecord(now, input, original));
    await this.announcer.deadLetter(
      deadLetterEvent({
        stage: 'normalizer',
        reason,
        message: input.description,
        ...(input.reference === undefined ? {} : { source: input.reference.source, dataset: input.reference.dataset }),
        original,
        quarantineUri: recordUri,
        ...(input.details === undefined ? {} : { details: input.details }),
        occurredAt: now,
      }),
    );
    this.logger.warn({ reason, topic: message.topic, partition: message.partition, offset: message.offset, quarantineUri: recordUri, details: unsafe.details }, unsafe.description);
  }

  private async writeRecord(at: Date, input: DeadLetterInput, original: object): Promise<string> {
    const stem = `${input.message.topic.replace(/[^a-z0-9_-]/gi, '_').toLowerCase()}-p${input.message.partition}-o${input.message.offset}`;
    const location = this.lake.quarantinePath('normalizer', at, stem, 'json');
    const body = JSON.stringify({ reason: input.reason, message: input.description, original, reference: input.reference ?? null, details: input.details ?? null, at: at.toISOString() }, null, 2);
    await writeFileAtomically(await this.lake.resolve(location.uri), body);
    return location.uri;
  }
}

const OUTSIDE = '<path outside the lake>';
/** Keys whose values never leave the process: the SQL text of a failed statement. */
const DROPPED_KEYS: ReadonlySet<string> = new Set(['sql']);
/** An absolute path inside free text: starts after a boundary, runs to whitespace, a quote or a bracket. */
const ABSOLUTE_PATH_IN_TEXT = /(^|[\s'"(=:])(\/[^\s'"()<>,;]+)/g;

/**
 * A dead letter fit to leave the process: the description's first line (DuckDB appends the failing
 * SQL and hints below it), no `sql` in the details, lake paths relative to the lake root, other
 * absolute paths replaced. The original Kafka record and the parsed reference are kept verbatim:
 * they are what the producer sent.
 */
function scrubDeadLetter(input: DeadLetterInput, lakeRoot: string): DeadLetterInput {
  const description = scrubText(input.description.split('\n', 1)[0] ?? '', lakeRoot);
  return {
    ...input,
    description,
    ...(input.details === undefined ? {} : { details: scrubValue(input.details, lakeRoot, 0) as Record<string, unknown> }),
  };
}

function scrubValue(value: unknown, lakeRoot: string, depth: number): unknown {
  if (typeof value === 'string') return value.startsWith('/') && !/\s/.test(value) ? scrubPath(value, lakeRoot) : scrubText(value, lakeRoot);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, lakeRoot, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !DROPPED_KEYS.has(key))
      .map(([key, item]) => [key, scrubValue(item, lakeRoot, depth + 1)]),
  );
}

function scrubText(text: string, lakeRoot: string): string {
  return text.replace(ABSOLUTE_PATH_IN_TEXT, (_match, boundary: string, path: string) => `${boundary}${scrubPath(path, lakeRoot)}`);
}

/** A path inside the lake as its lake-relative POSIX form; anything else hidden. */
function scrubPath(path: string, lakeRoot: string): string {
  const inside = relative(lakeRoot, path);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || inside.startsWith(sep)) return OUTSIDE;
  return inside.split(sep).join('/');
}
