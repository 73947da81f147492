import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFileReference, silentLogger, sqlString, type FileReference } from '@fluxo/schema';
import { Lake, ParquetEngine, sqlFilePath } from '@fluxo/parquet-io';
import { LAKEHOUSE_EXTENSIONS, Lakehouse } from '@fluxo/lakehouse';
import { startReplayServer } from '@fluxo/replay-api';
import type { ConsumedMessage } from '@fluxo/kafka-client';
import { recordedStreamIds, runsInStream } from '../support/recorded-stream';
import { matchDeadLetters, SOAK_PRODUCER, type BadInput, type DeadLetterEvent } from './hostile-inputs';

export interface SoakCheckInput {
  readonly root: string;
  readonly lakeDir: string;
  readonly catalogPath: string;
  readonly extensionDirectory: string;
  readonly rawMessages: readonly ConsumedMessage[];
  readonly deadLetterMessages: readonly ConsumedMessage[];
  readonly badInputs: readonly BadInput[];
}

export interface SoakChecks {
  /** Records a producer announced (and no dead letter excused) that no curated table holds, plus holes in the stream. */
  readonly lost: number;
  /** Rows beyond the first of each (record key, version), summed over every curated table. */
  readonly duplicated: number;
  readonly deadLetters: number;
  /** Everything that makes the verdict FAIL, in words. */
  readonly problems: string[];
  /** Per table: rows. */
  readonly tables: Record<string, number>;
}

/**
 * What a soak run must end with, read through the catalog as any reader would:
 * - **exactly once**: in every curated table, each (`_record_key`, `_record_version`) once;
 * - **nothing lost**: every record of every raw file a producer announced is in a curated table,
 *   unless the normalizer quarantined its row (ROWS_REJECTED, with the reason) — and the replayed
 *   Wikimedia stream is curated as an unbroken prefix (no hole, nothing invented, no gap record);
 * - **every bad input accounted for**: each one fed ended in a dead letter of its stage with its
 *   reason, its quarantine record in the lake; no dead letter nobody can explain.
 */
export async function checkSoak(input: SoakCheckInput): Promise<SoakChecks> {
  const problems: string[] = [];
  const deadLetters = input.deadLetterMessages.map((message) => JSON.parse(message.value.toString('utf8')) as DeadLetterEvent);
  const { missing, unexpected } = matchDeadLetters(input.badInputs, deadLetters);
  for (const bad of missing) problems.push(`bad input without its dead letter: ${bad.name} (${bad.stage} ${bad.reason})`);
  for (const event of unexpected) problems.push(`unexpected dead letter: ${event.stage} ${event.reason} ${event.source ?? ''}`.trim());
  for (const event of deadLetters) {
    if (event.quarantineUri !== undefined && !existsSync(join(input.lakeDir, ...event.quarantineUri.split('/')))) {
      problems.push(`dead letter ${event.stage} ${event.reason}: its quarantine record ${event.quarantineUri} is not in the lake`);
    } else if (event.quarantineUri === undefined && event.stage !== 'stream-ingest') {
      problems.push(`dead letter ${event.stage} ${event.reason} has no quarantine record`);
    }
  }

  const references = producerReferences(input.rawMessages);
  await using engine = await ParquetEngine.open({ logger: silentLogger, threads: 1, memoryLimitMb: 1024, extensions: LAKEHOUSE_EXTENSIONS, extensionDirectory: input.extensionDirectory });
  if (!existsSync(input.catalogPath)) {
    problems.push('the normalizer never created its catalog');
    return { lost: references.reduce((total, ref) => total + ref.rows, 0), duplicated: 0, deadLetters: deadLetters.length, problems, tables: {} };
  }
  await using lakehouse = await Lakehouse.attach({ engine, catalog: { kind: 'sqlite', path: input.catalogPath }, dataPath: join(input.lakeDir, 'curated'), logger: silentLogger, readOnly: true });
  const tableNames = (await engine.all<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_catalog = ${sqlString(lakehouse.alias)} AND table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1`)).map((row) => row.name);

  // exactly once
  let duplicated = 0;
  const tables: Record<string, number> = {};
  await engine.run('CREATE OR REPLACE TEMP TABLE soak_curated (source VARCHAR, k VARCHAR, v VARCHAR)');
  for (const name of tableNames) {
    const [row] = await engine.all<{ n: number; distinct_versions: number }>(`SELECT count(*)::BIGINT AS n, count(DISTINCT (_record_key, _record_version))::BIGINT AS distinct_versions FROM ${lakehouse.table(name)}`);
    tables[name] = Number(row?.n ?? 0);
    const extra = Number(row?.n ?? 0) - Number(row?.distinct_versions ?? 0);
    if (extra > 0) problems.push(`${name}: ${extra} duplicated row(s)`);
    duplicated += extra;
    await engine.run(`INSERT INTO soak_curated SELECT _source, _record_key, _record_version FROM ${lakehouse.table(name)}`);
  }

  // nothing lost: every announced record is curated or quarantined with its reason
  const lake = await Lake.open(input.lakeDir);
  await engine.run('CREATE OR REPLACE TEMP TABLE soak_expected (source VARCHAR, k VARCHAR, v VARCHAR)');
  for (const [source, refs] of groupBy(references, (ref) => ref.source)) {
    const paths: string[] = [];
    for (const ref of refs) {
      const path = await lake.resolve(ref.uri);
      if (existsSync(path)) paths.push(path);
      else problems.push(`announced raw file ${ref.uri} is not in the lake`);
    }
    for (let i = 0; i < paths.length; i += 200) {
      const list = paths.slice(i, i + 200).map(sqlFilePath).join(', ');
      await engine.run(`INSERT INTO soak_expected SELECT ${sqlString(source)}, record_key, record_version FROM read_parquet([${list}])`);
    }
  }
  await engine.run('CREATE OR REPLACE TEMP TABLE soak_rejected (source VARCHAR, k VARCHAR, v VARCHAR)');
  const quarantined = await quarantinedParquet(join(input.lakeDir, 'quarantine', 'normalizer'));
  for (let i = 0; i < quarantined.length; i += 200) {
    const list = quarantined.slice(i, i + 200).map(sqlFilePath).join(', ');
    await engine.run(`INSERT INTO soak_rejected SELECT _source, _record_key, _record_version FROM read_parquet([${list}], union_by_name = true)`);
  }
  const [missingRows] = await engine.all<{ n: number }>(
    'SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT source, k, v FROM soak_expected EXCEPT SELECT source, k, v FROM soak_curated EXCEPT SELECT source, k, v FROM soak_rejected)',
  );
  let lost = Number(missingRows?.n ?? 0);
  if (lost > 0) {
    const sample = await engine.all<{ source: string; k: string; v: string }>('SELECT * FROM (SELECT DISTINCT source, k, v FROM soak_expected EXCEPT SELECT source, k, v FROM soak_curated EXCEPT SELECT source, k, v FROM soak_rejected) LIMIT 5');
    problems.push(`${lost} announced record(s) are in no curated table, e.g. ${JSON.stringify(sample)}`);
  }

  // the stream: an unbroken prefix of the replayed recording, nothing invented, no gap recorded
  if (tableNames.includes('recentchange')) {
    const ids = (await engine.all<{ id: string }>(`SELECT event_id AS id FROM ${lakehouse.table('recentchange')}`)).map((row) => row.id);
    await using unpaced = await startReplayServer({ port: 0, fixturesDir: join(input.root, 'tools', 'replay-api', 'fixtures'), sse: { eventsPerSecond: 0, heartbeatMs: 0 }, logger: silentLogger });
    const stream = await recordedStreamIds(unpaced.url, ids.length + 200);
    const { runs, unknown } = runsInStream(stream, ids);
    const last = runs[runs.length - 1]?.[1] ?? -1;
    const holes = last + 1 - new Set(ids).size;
    if (unknown.length > 0) problems.push(`recentchange holds ${unknown.length} event(s) the stream never sent`);
    if (holes > 0 || (runs[0]?.[0] ?? 0) !== 0) problems.push(`recentchange has holes: runs ${JSON.stringify(runs.slice(0, 5))}`);
    lost += Math.max(0, holes);
  }
  if ((tables['stream_gaps'] ?? 0) > 0) problems.push(`stream_gaps holds ${tables['stream_gaps']} gap(s); the soak never refuses a resume`);
  return { lost, duplicated, deadLetters: deadLetters.length, problems, tables };
}

/** Raw references a producer announced, each event id once (a re-announcement after a crash reuses it). */
function producerReferences(messages: readonly ConsumedMessage[]): FileReference[] {
  const byId = new Map<string, FileReference>();
  for (const message of messages) {
    let reference: FileReference;
    try {
      reference = parseFileReference(message.value);
    } catch {
      continue; // a forged, malformed reference: dead-lettered, checked with the bad inputs
    }
    if (reference.kind !== 'raw' || reference.producer.app === SOAK_PRODUCER.app) continue;
    byId.set(reference.eventId, reference);
  }
  return [...byId.values()];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

async function quarantinedParquet(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.parquet')).map((entry) => join(entry.parentPath, entry.name));
}
