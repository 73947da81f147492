import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lakeStorageOf, loadCliConfig, type CliConfig, type DefinitionCatalog, type Logger } from '@fluxo/schema';
import { createKafka, settingsFromConfig, type FluxoKafka } from '@fluxo/kafka-client';
import { Lake, ParquetEngine, S3Lake } from '@fluxo/parquet-io';
import { loadDefinitionCatalog } from '@fluxo/definitions';
import { LAKEHOUSE_EXTENSIONS, Lakehouse, parseCatalogLocation, type CatalogLocation } from '@fluxo/lakehouse';
import { CliError } from './errors';
import { type Progress } from './output/progress';

/** Where a command writes: results on stdout, progress and diagnostics on stderr. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/**
 * What a command works with: the validated configuration, a logger, its output streams and
 * progress, a cancellation signal (Ctrl-C), and the pipeline's systems — Kafka, the lake, DuckDB and
 * the table catalog — opened lazily, only when the command asks for them, and closed at the end.
 */
export class CliContext implements AsyncDisposable {
  private kafkaClient: FluxoKafka | undefined;
  private engineInstance: ParquetEngine | undefined;
  private localEngineInstance: ParquetEngine | undefined;
  private lakehouseInstance: { readonly lakehouse: Lakehouse; readonly readOnly: boolean } | undefined;
  private catalogInstance: DefinitionCatalog | undefined;

  constructor(
    readonly config: CliConfig,
    readonly logger: Logger,
    readonly io: CliIo,
    readonly progress: Progress,
    readonly signal: AbortSignal,
    /** kafkajs's own messages (retried connection errors…): errors only, unless --verbose; commands report failures themselves. */
    private readonly kafkaLogger: Logger = logger,
  ) {}

  /** Loads the configuration from the environment plus `overrides` (FLUXO_* names), every problem listed. */
  static loadConfig(env: Readonly<Record<string, string | undefined>>, overrides: Readonly<Record<string, string>> = {}): CliConfig {
    return loadCliConfig({ ...env, ...overrides });
  }

  get now(): number {
    return Date.now();
  }

  /** The Kafka client: fails fast (two short retries), an operator is waiting. */
  kafka(): FluxoKafka {
    this.kafkaClient ??= createKafka({ ...settingsFromConfig(this.config), retry: { initialRetryTimeMs: 200, maxRetryTimeMs: 1_000, retries: 2 }, clientLogLevel: 'error' }, this.kafkaLogger);
    return this.kafkaClient;
  }

  get lakeRoot(): string {
    return resolve(this.io.cwd, this.config.lakeDir);
  }

  get catalogLocation(): CatalogLocation {
    return parseCatalogLocation(this.config.catalog, this.io.cwd);
  }

  /** The lake, for commands that read or write its files. `NOT_FOUND` when it does not exist yet. */
  async lake(): Promise<Lake> {
    if (!existsSync(this.lakeRoot)) {
      throw new CliError('NOT_FOUND', `There is no lake at ${this.lakeRoot} yet.`, { hints: ['Start the pipeline (`npm start`), or point FLUXO_LAKE_DIR at the lake.'] });
    }
    return Lake.open(this.lakeRoot);
  }

  /**
   * The lake for commands that read the raw zone's files (`reprocess`): refused with `REFUSED` when
   * FLUXO_LAKE_ROOT puts them on S3 (raw-file commands on S3 are not built yet).
   */
  async rawZoneLake(): Promise<Lake> {
    if (this.config.lakeRoot !== undefined) {
      throw new CliError('REFUSED', `This command reads raw files from a local lake only, and FLUXO_LAKE_ROOT puts the raw and curated files on ${this.config.lakeRoot}.`, {
        hints: ['`fluxo query` and the table part of `fluxo status` read an S3 lake through the catalog; raw-file commands on S3 are not built yet (decision 0008, part 4).'],
      });
    }
    return this.lake();
  }

  /** DuckDB with the lakehouse extensions loaded (and httpfs with the lake's credentials when the lake is on S3). */
  async engine(): Promise<ParquetEngine> {
    if (this.engineInstance === undefined) {
      const storage = lakeStorageOf(this.config);
      const engine = await ParquetEngine.open({
        logger: this.logger,
        threads: this.config.engineThreads,
        memoryLimitMb: this.config.engineMemoryLimitMb,
        extensions: storage.kind === 's3' ? [...LAKEHOUSE_EXTENSIONS, 'httpfs'] : LAKEHOUSE_EXTENSIONS,
        extensionDirectory: resolve(this.io.cwd, this.config.duckdbExtensionDir),
      });
      if (storage.kind === 's3') await S3Lake.open(engine, storage).catch(async (error: unknown) => {
        await engine.close();
        throw error;
      });
      this.engineInstance = engine;
    }
    return this.engineInstance;
  }

  /** DuckDB without extensions, for work on local data only (`definitions try`): needs nothing installed. */
  async localEngine(): Promise<ParquetEngine> {
    this.localEngineInstance ??= await ParquetEngine.open({ logger: this.logger, threads: this.config.engineThreads, memoryLimitMb: this.config.engineMemoryLimitMb });
    return this.localEngineInstance;
  }

  /** Whether the catalog exists (an SQLite file is created by the normalizer's first start). */
  catalogExists(): boolean {
    const location = this.catalogLocation;
    return location.kind === 'postgres' || existsSync(location.path);
  }

  /**
   * The table catalog, read-only (what `status` and `query` use) or for writing (`reprocess`,
   * `compact`, `gc`). Null, for reading, when no catalog exists yet; `NOT_FOUND` for writing.
   */
  async lakehouse(options: { readonly readOnly: true }): Promise<Lakehouse | null>;
  async lakehouse(options: { readonly readOnly: false }): Promise<Lakehouse>;
  async lakehouse(options: { readonly readOnly: boolean }): Promise<Lakehouse | null> {
    if (this.lakehouseInstance !== undefined) {
      if (this.lakehouseInstance.readOnly && !options.readOnly) throw new CliError('INTERNAL', 'the catalog is attached read-only');
      return this.lakehouseInstance.lakehouse;
    }
    if (!this.catalogExists()) {
      if (options.readOnly) return null;
      throw new CliError('NOT_FOUND', `There is no table catalog at ${this.config.catalog} yet: nothing has been curated.`, {
        hints: ['Start the normalizer (`npm start`), or point FLUXO_CATALOG at the catalog.'],
      });
    }
    const lakehouse = await Lakehouse.attach({
      engine: await this.engine(),
      catalog: this.catalogLocation,
      dataPath: this.config.lakeRoot === undefined ? join(this.lakeRoot, 'curated') : S3Lake.curatedDataPathOf(this.config.lakeRoot),
      logger: this.logger,
      readOnly: options.readOnly,
    });
    this.lakehouseInstance = { lakehouse, readOnly: options.readOnly };
    return lakehouse;
  }

  /** The source and dataset definitions the apps run with (built-ins plus FLUXO_DEFINITIONS_DIR). */
  async definitions(): Promise<DefinitionCatalog> {
    this.catalogInstance ??= await loadDefinitionCatalog(this.config.definitionsDir === undefined ? undefined : resolve(this.io.cwd, this.config.definitionsDir));
    return this.catalogInstance;
  }

  /** Throws `INTERRUPTED` once Ctrl-C was pressed: call between units of work. */
  checkInterrupted(): void {
    if (this.signal.aborted) throw new CliError('INTERRUPTED', 'Interrupted.');
  }

  /** The terminal's width for tables, or undefined when stdout is not a terminal (or does not say). */
  get width(): number | undefined {
    const columns = this.io.stdout.columns;
    return this.io.stdout.isTTY === true && columns !== undefined && columns > 0 ? columns : undefined;
  }

  /** Writes one line (or block) to stdout. */
  print(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  async close(): Promise<void> {
    await this.lakehouseInstance?.lakehouse.close();
    this.lakehouseInstance = undefined;
    await this.engineInstance?.close();
    this.engineInstance = undefined;
    await this.localEngineInstance?.close();
    this.localEngineInstance = undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
