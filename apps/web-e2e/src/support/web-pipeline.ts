import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type FileReference, type S3LakeStorage } from '@fluxo/schema';
import { Lakehouse, type CatalogLocation, type DataFile } from '@fluxo/lakehouse';
import { AppProcess, artifactsDir, eventually, freePort, PipelineHarness, WORKSPACE_ROOT } from '@fluxo/e2e-harness';

/** Screenshots, reports and the processes' logs: test-artifacts/web. */
export const ARTIFACTS_DIR = artifactsDir('web');

const BUILT = {
  ingest: join(WORKSPACE_ROOT, 'dist', 'apps', 'ingest', 'main.cjs'),
  normalizer: join(WORKSPACE_ROOT, 'dist', 'apps', 'normalizer', 'main.cjs'),
  web: join(WORKSPACE_ROOT, 'apps', 'web', '.next', 'BUILD_ID'),
};
const NEXT_BIN = join(WORKSPACE_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const NEXT_ENV = join(WORKSPACE_ROOT, 'apps', 'web', 'next-env.d.ts');

/**
 * One isolated pipeline for the browser tests: the shared end-to-end harness (tools/e2e-harness: unique
 * topics and group, a temp lake and state folder, the replay server, ingest and normalizer as built
 * processes) plus a drifting source definition and any number of dashboard servers (`next start`)
 * pointed at it, reading the tables as the dashboard does.
 */
export class WebPipeline {
  private nextEnv: string | undefined;

  private constructor(private readonly harness: PipelineHarness) {}

  /** `s3`: the lake (raw and curated files) on S3-compatible storage, for the apps and the dashboard alike; the catalog stays the local SQLite file. */
  static async create(options: { readonly s3?: S3LakeStorage } = {}): Promise<WebPipeline> {
    for (const [name, path] of Object.entries(BUILT)) {
      if (!existsSync(path)) throw new Error(`${name} is not built (${path} missing): run \`npx nx run web-e2e:e2e\`, which builds it first.`);
    }
    const harness = await PipelineHarness.create(options.s3 === undefined ? 'web' : 'web-s3', { suite: 'web', s3: options.s3 });
    await writeDriftingDefinition(join(harness.dir, 'definitions'));
    return new WebPipeline(harness);
  }

  get lakeDir(): string {
    return this.harness.lakeDir;
  }

  /** The normalizer's table catalog (an SQLite file in the temp dir), which the dashboard reads too. */
  get catalog(): CatalogLocation & { readonly kind: 'sqlite' } {
    return { kind: 'sqlite', path: this.harness.catalogPath };
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return this.harness.env({
      FLUXO_DEFINITIONS_DIR: join(this.harness.dir, 'definitions'),
      FLUXO_SCHEMA_DRIFT_FILES: '1',
      FLUXO_LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      ...extra,
    });
  }

  async startNormalizer(): Promise<AppProcess> {
    return this.harness.startNormalizer(this.env());
  }

  /** Ingest polls each source once when it starts; the intervals here are long, so one run is one poll. */
  async startIngest(sources: string): Promise<AppProcess> {
    return this.harness.startIngest(sources, this.env());
  }

  /** `next start` of the built dashboard on a free port; resolves once it serves pages. */
  async startWeb(label: string, extra: Record<string, string> = {}): Promise<{ app: AppProcess; url: string }> {
    const port = await freePort();
    const args = [NEXT_BIN, 'start', join(WORKSPACE_ROOT, 'apps', 'web'), '-p', String(port), '-H', '127.0.0.1'];
    const env = this.env({ FLUXO_WEB_STATUS_INTERVAL_MS: '1000', FLUXO_WEB_STALE_AFTER_MS: '8000', NEXT_TELEMETRY_DISABLED: '1', ...extra });
    const app = this.harness.track(await AppProcess.spawn(label, args, { env, suite: 'web', killAfterMs: 10_000 }));
    const url = `http://127.0.0.1:${port}`;
    await eventually(
      () => fetch(`${url}/datasets`).then((response) => response.status),
      (status) => status === 200,
      `the dashboard serves ${url}`,
      60_000,
    );
    return { app, url };
  }

  /**
   * `next dev` — how the first `npm start` serves the dashboard until its production build is done
   * (decision 0010) — on a free port; resolves once it has compiled and served its overview page
   * (compiling on a busy machine takes long: a generous deadline). Next 15.5's dev server points
   * next-env.d.ts at its own distDir (`.next-dev`): `close()` puts the file back as it was.
   */
  async startDevWeb(label: string): Promise<{ app: AppProcess; url: string }> {
    this.nextEnv ??= await readFile(NEXT_ENV, 'utf8');
    const port = await freePort();
    const args = [NEXT_BIN, 'dev', join(WORKSPACE_ROOT, 'apps', 'web'), '-p', String(port), '-H', '127.0.0.1'];
    // The apps run with NODE_ENV=production; under it `next dev` fails to compile (CSS).
    const env = this.env({ FLUXO_WEB_STATUS_INTERVAL_MS: '1000', FLUXO_WEB_STALE_AFTER_MS: '8000', NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'development' });
    const app = this.harness.track(await AppProcess.spawn(label, args, { env, suite: 'web', killAfterMs: 10_000 }));
    const url = `http://127.0.0.1:${port}`;
    await eventually(
      () => fetch(`${url}/`, { signal: AbortSignal.timeout(300_000) }).then((response) => response.status),
      (status) => status === 200,
      `the dev server compiles and serves ${url}`,
      300_000,
    );
    return { app, url };
  }

  /** What the earthquakes table holds in its current snapshot (read through the catalog, as the dashboard does): rows (versions) and distinct events. */
  async earthquakes(): Promise<{ rows: number; events: number; maxMagnitude: number | null }> {
    const read = await this.withCatalog(async (lakehouse) => {
      const [row] = await this.harness.engine.all<{ rows: number; events: number; max_mag: number | null }>(
        `SELECT count(*)::INTEGER AS rows, count(DISTINCT event_id)::INTEGER AS events, max(magnitude) AS max_mag FROM ${lakehouse.table('earthquakes')}`,
      );
      return { rows: row?.rows ?? 0, events: row?.events ?? 0, maxMagnitude: row?.max_mag ?? null };
    });
    return read ?? { rows: 0, events: 0, maxMagnitude: null };
  }

  /** Rows of a curated table's current snapshot (0 while it does not exist), and how many have `column` NULL. */
  async tableRows(table: string, column: string): Promise<{ rows: number; nulls: number }> {
    const read = await this.withCatalog(async (lakehouse) => {
      const [row] = await this.harness.engine.all<{ rows: number; nulls: number }>(
        `SELECT count(*)::INTEGER AS rows, count(*) FILTER (WHERE "${column}" IS NULL)::INTEGER AS nulls FROM ${lakehouse.table(table)}`,
      );
      return { rows: row?.rows ?? 0, nulls: row?.nulls ?? 0 };
    });
    return read ?? { rows: 0, nulls: 0 };
  }

  /** The data files of the earthquakes table's current snapshot, as the catalog lists them. */
  async earthquakeFiles(): Promise<DataFile[]> {
    return (await this.withCatalog((lakehouse) => lakehouse.dataFiles('earthquakes'))) ?? [];
  }

  /** The raw files ingest announced on Kafka (their references). */
  async rawReferences(): Promise<FileReference[]> {
    return this.harness.references('raw');
  }

  /** Attaches the catalog read-only for one read (null while it or the table does not exist yet). */
  private async withCatalog<T>(read: (lakehouse: Lakehouse) => Promise<T>): Promise<T | null> {
    if (!existsSync(this.catalog.path)) return null;
    let lakehouse: Lakehouse | undefined;
    try {
      lakehouse = await Lakehouse.attach({ engine: this.harness.engine, catalog: this.catalog, dataPath: this.harness.s3?.lake.curatedDataPath ?? join(this.lakeDir, 'curated'), logger: silentLogger, readOnly: true, alias: 'e2e' });
      return await read(lakehouse);
    } catch {
      return null;
    } finally {
      await lakehouse?.close();
    }
  }

  async close(): Promise<void> {
    await this.harness.close();
    if (this.nextEnv !== undefined) await writeFile(NEXT_ENV, this.nextEnv);
  }
}

/**
 * A source whose definition drifts from the recorded USGS `significant_month` feed (its own path on the
 * replay server, so the other tests' polls of `all_day` are not moved): `depth_km` reads a path no record
 * has, `event_kind` casts the text "earthquake" to a number, and most fields are left unmapped.
 */
export const DRIFTING = { source: 'usgs-drifting', dataset: 'quake_drift', absentColumn: 'depth_km', invalidColumn: 'event_kind' } as const;

async function writeDriftingDefinition(dir: string): Promise<void> {
  await mkdir(join(dir, 'sources'), { recursive: true });
  await mkdir(join(dir, 'datasets'), { recursive: true });
  const dataset = {
    name: DRIFTING.dataset,
    description: 'USGS significant earthquakes read by a definition that no longer matches the feed (web e2e).',
    columns: [
      { name: 'event_id', type: 'string', required: true },
      { name: 'event_time', type: 'timestamp', required: true },
      { name: 'magnitude', type: 'double' },
      { name: DRIFTING.absentColumn, type: 'double' },
      { name: DRIFTING.invalidColumn, type: 'double' },
    ],
    partitionBy: 'event_time',
    entityKey: ['event_id'],
    versionColumn: '_record_version',
  };
  const source = {
    name: DRIFTING.source,
    kind: 'poll',
    dataset: DRIFTING.dataset,
    description: 'See the dataset.',
    request: { url: 'https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/significant_month.geojson', intervalMs: 3_600_000 },
    records: { path: 'features', layout: 'rows' },
    key: ['id'],
    version: 'properties.updated',
    eventTime: { path: 'properties.time', format: 'epoch_ms' },
    mapping: [
      { column: 'event_id', path: 'id' },
      { column: 'event_time', path: 'properties.time', format: 'epoch_ms' },
      { column: 'magnitude', path: 'properties.mag' },
      { column: DRIFTING.absentColumn, path: 'properties.depth_in_km' },
      { column: DRIFTING.invalidColumn, path: 'properties.type' },
    ],
  };
  await writeFile(join(dir, 'datasets', `${DRIFTING.dataset}.json`), JSON.stringify(dataset, null, 2));
  await writeFile(join(dir, 'sources', `${DRIFTING.source}.json`), JSON.stringify(source, null, 2));
}
