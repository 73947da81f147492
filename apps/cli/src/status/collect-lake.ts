import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DefinitionCatalog } from '@fluxo/schema';
import type { ProducerStatus, QuarantineSummary } from './status-report';

const DATE_FOLDER = /^date=(\d{4}-\d{2}-\d{2})$/;

/**
 * What the producers wrote, from the raw zone: per source folder, the newest raw file and the files
 * written within the window. Only the date folders of the window (and the newest one) are listed,
 * so the cost follows the window, not the lake's history.
 */
export async function collectProducers(lakeRoot: string, definitions: DefinitionCatalog | null, since: number): Promise<ProducerStatus[]> {
  const rawRoot = join(lakeRoot, 'raw');
  const sinceDay = new Date(since).toISOString().slice(0, 10);
  const producers: ProducerStatus[] = [];
  for (const source of await directories(rawRoot)) {
    const dates = (await directories(join(rawRoot, source))).filter((name) => DATE_FOLDER.test(name)).sort();
    const newest = dates.at(-1);
    const listed = dates.filter((name) => name.slice('date='.length) >= sinceDay || name === newest);
    let lastFileAt: number | null = null;
    let filesInWindow = 0;
    for (const folder of listed) {
      for (const file of await parquetFiles(join(rawRoot, source, folder))) {
        lastFileAt = Math.max(lastFileAt ?? 0, file.mtimeMs);
        if (file.mtimeMs >= since) filesInWindow += 1;
      }
    }
    producers.push({ ...describeSource(source, definitions), source, lastFileAt, filesInWindow });
  }
  return producers.sort((a, b) => a.stage.localeCompare(b.stage) || a.source.localeCompare(b.source));
}

/** Files in `quarantine/<stage>/date=…` folders dated within the window. */
export async function collectQuarantine(lakeRoot: string, since: number): Promise<QuarantineSummary[]> {
  const root = join(lakeRoot, 'quarantine');
  const sinceDay = new Date(since).toISOString().slice(0, 10);
  const result: QuarantineSummary[] = [];
  for (const stage of await directories(root)) {
    let files = 0;
    let bytes = 0;
    for (const folder of await directories(join(root, stage))) {
      const day = DATE_FOLDER.exec(folder)?.[1];
      if (day === undefined || day < sinceDay) continue;
      for (const file of await listFiles(join(root, stage, folder), (name) => name.endsWith('.json') || name.endsWith('.parquet'))) {
        if (file.mtimeMs < since) continue;
        files += 1;
        bytes += file.size;
      }
    }
    if (files > 0) result.push({ stage, files, bytes });
  }
  return result;
}

function describeSource(source: string, definitions: DefinitionCatalog | null): Pick<ProducerStatus, 'stage' | 'dataset'> {
  if (definitions === null || !definitions.sourceNames().includes(source)) return { stage: 'unknown', dataset: null };
  const definition = definitions.source(source);
  return { stage: definition.kind === 'poll' ? 'ingest' : 'stream-ingest', dataset: definition.dataset };
}

async function directories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

async function parquetFiles(dir: string): Promise<{ mtimeMs: number; size: number }[]> {
  return listFiles(dir, (name) => name.endsWith('.parquet'));
}

async function listFiles(dir: string, accept: (name: string) => boolean): Promise<{ mtimeMs: number; size: number }[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => !name.startsWith('.') && accept(name));
  const files: { mtimeMs: number; size: number }[] = [];
  for (const name of names) {
    const info = await stat(join(dir, name)).catch(() => null);
    if (info?.isFile() === true) files.push({ mtimeMs: info.mtimeMs, size: info.size });
  }
  return files;
}
