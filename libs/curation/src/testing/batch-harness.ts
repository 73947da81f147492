import { join } from 'node:path';
import { BUILTIN_DEFINITIONS, createRecordExtractor, DefinitionCatalog, rawFileReference, silentLogger, type DeadLetterFields, type FileReferenceFields } from '@fluxo/schema';
import { ParquetEngine, writeRawFile, type Lake, type RawRow } from '@fluxo/parquet-io';
import { createTempLake, type TempLake } from '@fluxo/parquet-io/testing';
import { ConsumedRawFiles, ConsumerProgress, LAKEHOUSE_EXTENSIONS, Lakehouse } from '@fluxo/lakehouse';
import { testExtensionDirectory } from '@fluxo/lakehouse/testing';
import { CuratedAnnouncer } from '../announce/curated-announcer';
import { BatchHandler, type CommitLimits } from '../handle/batch-handler';
import type { CurateEngine } from '../curate/curate-engine';
import { DeadLetters } from '../handle/dead-letters';
import type { ConsumedReference } from '../ports';

export const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);
const extract = createRecordExtractor(catalog.pollSource('usgs-earthquakes'));
const producer = { app: 'test', instance: 'test', version: '0' };

/** A USGS GeoJSON feature as the live feed has them. */
export function feature(id: string, updated: number, overrides: Record<string, unknown> = {}) {
  return {
    type: 'Feature',
    properties: { mag: 1.5, place: `near ${id}`, time: 1746366018110, updated, tsunami: 0, status: 'automatic', type: 'earthquake', sig: 34, net: 'ci', magType: 'ml', url: `https://earthquake.usgs.gov/earthquakes/eventpage/${id}` },
    geometry: { type: 'Point', coordinates: [-117.8075, 35.3405, 8.83] },
    id,
    ...overrides,
  };
}

export interface HarnessOptions {
  /** DuckDB memory limit of the curating engine. Default 256. */
  readonly memoryLimitMb?: number;
  /** Restrict the engine's file access to the lake and the catalog folder after attaching (as main.ts does). */
  readonly sandboxed?: boolean;
}

/** The normalizer's curation core on a real lake, DuckDB and SQLite catalog; Kafka replaced by recording ports. */
export class BatchHarness {
  readonly announced: FileReferenceFields[] = [];
  readonly deadLetters: DeadLetterFields[] = [];
  private offset = 0;

  private constructor(
    readonly tmp: TempLake,
    readonly engine: ParquetEngine,
    readonly lakehouse: Lakehouse,
  ) {}

  static async open(options: HarnessOptions = {}): Promise<BatchHarness> {
    const tmp = await createTempLake('fluxo-normalizer-');
    const engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: options.memoryLimitMb ?? 256, extensions: LAKEHOUSE_EXTENSIONS, extensionDirectory: testExtensionDirectory() });
    const catalogDir = join(tmp.dir, 'catalog');
    const lakehouse = await Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: join(catalogDir, 'catalog.sqlite') }, dataPath: join(tmp.lake.root, 'curated'), logger: silentLogger });
    if (options.sandboxed === true) await engine.restrictFileAccess({ allowedDirectories: [tmp.lake.root, catalogDir] });
    await new ConsumerProgress(lakehouse).ensure();
    await new ConsumedRawFiles(lakehouse).ensure();
    return new BatchHarness(tmp, engine, lakehouse);
  }

  handler(
    group = 'g',
    limits: CommitLimits = { maxRows: 1_000_000, maxBytes: 1 << 30 },
    overrides: {
      readonly lake?: Lake;
      readonly lakehouse?: Lakehouse;
      readonly maxAttempts?: number;
      readonly definitions?: { readonly catalog: DefinitionCatalog };
      readonly curate?: CurateEngine;
    } = {},
  ): BatchHandler {
    const ports = { announce: async (r: FileReferenceFields) => void this.announced.push(r), deadLetter: async (e: DeadLetterFields) => void this.deadLetters.push(e) };
    const { engine } = this;
    const lakehouse = overrides.lakehouse ?? this.lakehouse;
    const lake = overrides.lake ?? this.tmp.lake;
    return new BatchHandler({
      engine,
      ...(overrides.curate === undefined ? {} : { curate: overrides.curate }),
      lake,
      lakehouse,
      progress: new ConsumerProgress(lakehouse),
      consumed: new ConsumedRawFiles(lakehouse),
      definitions: overrides.definitions ?? { catalog },
      announcer: new CuratedAnnouncer({ engine, lake, lakehouse, announcer: ports, producer, logger: silentLogger }),
      deadLetters: new DeadLetters(lake, ports, silentLogger),
      group,
      limits,
      maxAttempts: overrides.maxAttempts ?? 3,
      logger: silentLogger,
    });
  }

  /** Writes a raw file of USGS features and returns the Kafka record announcing it, at the next offset. */
  async rawRecord(stem: string, features: unknown[], fetchedAt = new Date('2025-05-04T13:52:57Z')): Promise<ConsumedReference> {
    const { records } = extract({ features });
    return this.rawRecordOf(stem, records.map((r) => ({ key: r.key, version: r.version, eventTime: r.eventTime, record: r.record, context: r.context })), fetchedAt);
  }

  /** Writes a raw file of the given rows (with `writer`, default the curating engine) and returns the record announcing it. */
  async rawRecordOf(stem: string, rows: readonly RawRow[], fetchedAt = new Date('2025-05-04T13:52:57Z'), writer: ParquetEngine = this.engine): Promise<ConsumedReference> {
    const written = await writeRawFile(writer, this.tmp.lake, { source: 'usgs-earthquakes', stem, fetchedAt, rows });
    await written.commit();
    const reference = rawFileReference(written, { source: 'usgs-earthquakes', dataset: 'earthquakes', producer });
    return { topic: 'fluxo.raw-files', partition: 0, offset: String(this.offset++), key: 'earthquakes', value: Buffer.from(JSON.stringify(reference)) };
  }

  /** The reference a record carries (parsed, unchecked). */
  referenceOf(record: ConsumedReference): { readonly uri: string; readonly bytes: number; readonly sha256: string } & Record<string, unknown> {
    return JSON.parse((record.value ?? Buffer.alloc(0)).toString('utf8')) as { uri: string; bytes: number; sha256: string };
  }

  rows<T extends object>(select: string, rest = ''): Promise<T[]> {
    return this.engine.all<T>(`SELECT ${select} FROM ${this.lakehouse.table('earthquakes')} ${rest}`);
  }

  async close(): Promise<void> {
    await this.engine.close();
    await this.tmp.cleanup();
  }
}
