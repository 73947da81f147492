import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_REFERENCE_VERSION, type FileReferenceFields } from '@fluxo/schema';
import { ReferenceProducer } from '@fluxo/kafka-client';
import { RAW_SCHEMA_FINGERPRINT } from '@fluxo/parquet-io';
import { OPEN_METEO_PATH, RECENTCHANGE_PATH, USGS_FEED_PREFIX, type FaultSpec } from '@fluxo/replay-api';
import { SOAK_MAX_LINE_BYTES, type SoakPipeline } from './soak-pipeline';

/** A bad input the soak feeds, and the dead letter it must end in. */
export interface BadInput {
  readonly name: string;
  readonly stage: 'ingest' | 'stream-ingest' | 'normalizer';
  readonly reason: string;
  readonly source?: string;
}

/** What a dead letter looks like on the topic (only the fields the soak reads). */
export interface DeadLetterEvent {
  readonly stage?: string;
  readonly reason?: string;
  readonly source?: string;
  readonly quarantineUri?: string;
  readonly original?: { readonly value?: string };
}

export const RAW_TOPIC = 'fluxo.raw-files';
export const DEAD_LETTER_TOPIC = 'fluxo.dead-letter';
/** Producer identity of the references the soak forges: never a producer's output. */
export const SOAK_PRODUCER = { app: 'soak', instance: 'soak', version: '0' };

const USGS_FEED = `${USGS_FEED_PREFIX}all_day.geojson`;
/** Transient faults: the pipeline must ride them out without losing or inventing anything. */
export const TRANSIENT_FAULTS: readonly FaultSpec[] = [
  { path: USGS_FEED, kind: 'status-429', retryAfterS: 1 },
  { path: USGS_FEED, kind: 'status-500' },
  { path: USGS_FEED, kind: 'reset' },
  { path: USGS_FEED, kind: 'truncate' },
  { path: OPEN_METEO_PATH, kind: 'status-503' },
  { path: OPEN_METEO_PATH, kind: 'slow', delayMs: 500 },
  { path: OPEN_METEO_PATH, kind: 'truncate' },
  { path: RECENTCHANGE_PATH, kind: 'sse-drop-after', events: 30 },
  { path: RECENTCHANGE_PATH, kind: 'sse-stall', afterEvents: 20, ms: 4_000 },
];

/**
 * Bad input queued before the apps start: the USGS day feed has only six recorded polls (then every
 * poll is a 304, which no fault replaces), so its malformed body must come first. The soak waits
 * for its dead letter before any chaos.
 */
export const EARLY_FAULTS: readonly FaultSpec[] = [{ path: USGS_FEED, kind: 'malformed', count: 3 }];
export const EARLY_BAD_INPUTS: readonly BadInput[] = [{ name: 'USGS body that stays malformed', stage: 'ingest', reason: 'MALFORMED_BODY', source: 'usgs-earthquakes' }];

/**
 * Feeds every other kind of bad input once, with the pipeline up and no chaos meanwhile, so that each must
 * end in a dead letter (and quarantine) with its reason:
 * - from the replay server: a forecast body that stays malformed (as many bad answers as ingest
 *   makes attempts), a non-JSON and an oversized Wikimedia message (on new stream connections);
 * - on the raw-files topic: a reference that is not JSON, one escaping the lake through a symlink,
 *   one through a dangling symlink, one to a hard link of a file outside the lake, one with a
 *   wrong checksum.
 * Returns what must be found on the dead-letter topic.
 */
export async function feedBadInputs(pipeline: SoakPipeline, awaitDeadLetter: (input: BadInput) => Promise<boolean>, log: (message: string) => void): Promise<BadInput[]> {
  const inputs: BadInput[] = [];
  const { replay } = pipeline;
  // ingest: FLUXO_HTTP_RETRY_LIMIT=2 → 3 attempts per poll, all of them answered with half a body
  replay.setFault({ path: OPEN_METEO_PATH, kind: 'malformed', count: 3 });
  inputs.push({ name: 'forecast body that stays malformed', stage: 'ingest', reason: 'MALFORMED_BODY', source: 'open-meteo-forecast' });

  // normalizer: hostile references on the raw-files topic
  const producer = await ReferenceProducer.connect(pipeline.kafka);
  try {
    for (const { value, expect } of await hostileReferences(pipeline.lakeDir, pipeline.options.dir)) {
      await producer.publish(RAW_TOPIC, { key: 'earthquakes', value: Buffer.from(value) });
      inputs.push({ ...expect, stage: 'normalizer' });
    }
  } finally {
    await producer.close();
  }

  // stream-ingest: an SSE fault applies to the next connection — restart the producer cleanly for each
  for (const [fault, input] of [
    [{ path: RECENTCHANGE_PATH, kind: 'sse-garbage', afterEvents: 20, variant: 'non-json' }, { name: 'non-JSON stream message', reason: 'MALFORMED_JSON' }],
    [{ path: RECENTCHANGE_PATH, kind: 'sse-garbage', afterEvents: 20, variant: 'oversized', bytes: SOAK_MAX_LINE_BYTES * 4 }, { name: 'oversized stream line', reason: 'OVERSIZED_LINE' }],
  ] as const) {
    const bad: BadInput = { ...input, stage: 'stream-ingest', source: 'wikimedia-recentchange' };
    replay.setFault(fault);
    inputs.push(bad);
    await pipeline.restartApp('stream-ingest');
    if (!(await awaitDeadLetter(bad))) log(`no dead letter yet for: ${bad.name}`);
  }
  log(`fed ${inputs.length} bad inputs: ${inputs.map((input) => input.reason).join(', ')}`);
  return inputs;
}

async function hostileReferences(lakeDir: string, runDir: string): Promise<{ value: string; expect: Omit<BadInput, 'stage'> }[]> {
  const day = 'raw/usgs-earthquakes/date=2025-05-04';
  await mkdir(join(lakeDir, ...day.split('/')), { recursive: true });
  await mkdir(join(runDir, 'outside'), { recursive: true });
  const escape = join(lakeDir, 'raw', 'soak-escape');
  if (!existsSync(escape)) await symlink('/etc', escape);
  const dangling = join(lakeDir, ...day.split('/'), 'soak-dangling.parquet');
  if (!existsSync(dangling)) await symlink(join(runDir, 'outside', 'planted.parquet'), dangling);
  const secret = Buffer.from('PAR1 a file outside the lake PAR1');
  await writeFile(join(runDir, 'outside', 'secret.parquet'), secret);
  const hardLink = join(lakeDir, ...day.split('/'), 'soak-hardlink.parquet');
  if (!existsSync(hardLink)) await link(join(runDir, 'outside', 'secret.parquet'), hardLink);
  const corrupt = Buffer.from('PAR1 not parquet at all PAR1');
  await writeFile(join(lakeDir, ...day.split('/'), 'soak-corrupt.parquet'), corrupt);
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const reference = (uri: string, bytes: number, sha256: string) => JSON.stringify(forgedReference({ uri, bytes, sha256 }));
  return [
    { value: '{"schemaVersion":1,', expect: { name: 'reference that is not JSON', reason: 'MALFORMED_JSON' } },
    { value: reference('raw/soak-escape/hostname.parquet', 10, sha(Buffer.from('x'))), expect: { name: 'symlink out of the lake', reason: 'URI_OUTSIDE_LAKE', source: 'usgs-earthquakes' } },
    { value: reference(`${day}/soak-dangling.parquet`, 10, sha(Buffer.from('x'))), expect: { name: 'dangling symlink', reason: 'LINK_REFUSED', source: 'usgs-earthquakes' } },
    { value: reference(`${day}/soak-hardlink.parquet`, secret.length, sha(secret)), expect: { name: 'hard link to a file outside the lake', reason: 'LINK_REFUSED', source: 'usgs-earthquakes' } },
    { value: reference(`${day}/soak-corrupt.parquet`, corrupt.length, 'f'.repeat(64)), expect: { name: 'wrong checksum', reason: 'CHECKSUM_MISMATCH', source: 'usgs-earthquakes' } },
  ];
}

function forgedReference(file: { uri: string; bytes: number; sha256: string }): FileReferenceFields {
  return {
    schemaVersion: FILE_REFERENCE_VERSION,
    eventId: randomUUID(),
    kind: 'raw',
    source: 'usgs-earthquakes',
    dataset: 'earthquakes',
    ...file,
    rows: 1,
    schemaFingerprint: RAW_SCHEMA_FINGERPRINT,
    minEventTime: null,
    maxEventTime: null,
    producer: SOAK_PRODUCER,
    producedAt: new Date().toISOString(),
    inputs: undefined,
  };
}

/**
 * Pairs each bad input with a distinct dead letter of the same stage, reason (and source); the rest
 * of the dead letters are either repeats of a matched kind (an app restarted before its offset or
 * checkpoint moved), rows quarantined by the normalizer (ROWS_REJECTED), or unexpected.
 */
export function matchDeadLetters(inputs: readonly BadInput[], events: readonly DeadLetterEvent[]): { readonly missing: BadInput[]; readonly unexpected: DeadLetterEvent[] } {
  const used = new Set<number>();
  const same = (input: BadInput, event: DeadLetterEvent) => event.stage === input.stage && event.reason === input.reason && (input.source === undefined || event.source === input.source);
  const missing: BadInput[] = [];
  for (const input of inputs) {
    const index = events.findIndex((event, i) => !used.has(i) && same(input, event));
    if (index < 0) missing.push(input);
    else used.add(index);
  }
  const unexpected = events.filter((event, i) => !used.has(i) && event.reason !== 'ROWS_REJECTED' && !inputs.some((input) => same(input, event)));
  return { missing, unexpected };
}
