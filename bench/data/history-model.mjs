// @ts-check
/**
 * The default cadence of the pipeline, as raw rows, for the `history` workload: what apps/ingest and
 * apps/stream-ingest would write at simulated time t. Everything is a pure function of the poll or
 * batch index and a seed, so a simulation can stop and resume in another process.
 *
 * - USGS `all_hour` polled every 60 s: earthquakes occur as a Poisson process (12 per hour, about
 *   what the real all_day feed holds), each drawn by bench/data/earthquake-model.mjs from the
 *   recorded features. An event is published 2 min after its origin time and revised once, 20 min
 *   after it (`properties.updated` is the version). Each poll's raw file holds the whole feed (the
 *   events of the last hour, latest version each): the normalizer's distinct append keeps each
 *   version once. Real ingest writes only changed versions and no file for an unchanged poll, so
 *   here every poll is a commit (the upper bound of the real commit count).
 * - Open-Meteo hourly forecast for one location (the default source) polled every 15 min: 168 hours
 *   from 00:00 UTC of the poll's day; the forecast of every hour still ahead is revised at each poll
 *   (new versions), past hours keep their value. Each commit touches 7–8 day partitions of
 *   `weather_hourly` (partitioned by valid_time), like the real one.
 * - Wikimedia recentchange cut into 60 s batches: `rate` events/s (the default cadence is 50/s; the
 *   workload scales rows down, never the number of batches), each a recorded enwiki edit
 *   (tools/replay-api fixture) with a fresh meta.id, meta.dt, offset and rc id, and the receipt time
 *   in `context` as stream-ingest writes it.
 *
 * Rows go through libs/schema's own extractors (createRecordExtractor / createEventExtractor), so
 * keys, versions and event times are exactly what the apps would write.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { earthquakeGenerator, prng } from './earthquake-model.mjs';
import { ROOT } from '../lib/paths.mjs';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The default cadence (libs/schema/definitions/sources/*.json, stream-ingest's 60 s batch age, normalizer maintenance every 5 min). */
export const CADENCE = {
  usgsEveryMs: 60_000,
  meteoEveryMs: 900_000,
  batchEveryMs: 60_000,
  maintenanceEveryMs: 300_000,
};

/** Where in its period each schedule fires (so polls, batches and maintenance do not all coincide). */
const PHASE = { usgs: 5_000, meteo: 10_000, batch: 30_000, maintenance: 0 };

/** The simulated sources, their dataset and the raw-files partition their references go to. */
export const SOURCES = /** @type {const} */ ({
  usgs: { source: 'usgs-earthquakes', dataset: 'earthquakes', partition: 0 },
  meteo: { source: 'open-meteo-forecast', dataset: 'weather_hourly', partition: 1 },
  batch: { source: 'wikimedia-recentchange', dataset: 'recentchange', partition: 2 },
});

/**
 * When the i-th firing of a schedule happens, in simulated ms since the start.
 * @param {'usgs' | 'meteo' | 'batch' | 'maintenance'} kind @param {number} index @param {number} cadenceScale
 */
export function firingAt(kind, index, cadenceScale) {
  const every = { usgs: CADENCE.usgsEveryMs, meteo: CADENCE.meteoEveryMs, batch: CADENCE.batchEveryMs, maintenance: CADENCE.maintenanceEveryMs }[kind];
  return (index + (kind === 'maintenance' ? 1 : 0)) * every * cadenceScale + PHASE[kind] * cadenceScale;
}

/** Index of the first firing at or after `simMs`. @param {'usgs' | 'meteo' | 'batch' | 'maintenance'} kind @param {number} simMs @param {number} cadenceScale */
export function firstFiringFrom(kind, simMs, cadenceScale) {
  const every = { usgs: CADENCE.usgsEveryMs, meteo: CADENCE.meteoEveryMs, batch: CADENCE.batchEveryMs, maintenance: CADENCE.maintenanceEveryMs }[kind] * cadenceScale;
  const index = Math.ceil((simMs - PHASE[kind] * cadenceScale) / every) - (kind === 'maintenance' ? 1 : 0);
  return Math.max(0, index);
}

/**
 * @param {{ startMs: number, days: number, seed?: number, recentchangeRate: number, cadenceScale: number, libs: any }} options
 */
export function historyModel({ startMs, days, seed = 20261202, recentchangeRate, cadenceScale, libs }) {
  const catalog = libs.DefinitionCatalog.build(libs.BUILTIN_DEFINITIONS);
  const extractPoll = {
    usgs: libs.createRecordExtractor(catalog.pollSource(SOURCES.usgs.source)),
    meteo: libs.createRecordExtractor(catalog.pollSource(SOURCES.meteo.source)),
  };
  const extractEvent = libs.createEventExtractor(catalog.streamSource(SOURCES.batch.source));
  const quakes = earthquakeSchedule(startMs, days + 1, seed);
  const templates = readFileSync(join(ROOT, 'tools', 'replay-api', 'fixtures', 'wikimedia', 'recentchange_enwiki_edits_20230729.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const batchMs = CADENCE.batchEveryMs * cadenceScale;
  const rowsPerBatch = Math.max(1, Math.round((recentchangeRate * CADENCE.batchEveryMs) / 1000));

  /** @param {any} extraction */
  const rowsOf = (extraction) => {
    if (extraction.rejected.length > 0) throw new Error(`model produced rejected records: ${extraction.rejected[0].reason}`);
    return extraction.records;
  };

  return {
    rowsPerBatch,
    /**
     * The raw rows of one firing of a source, and when it was fetched (absolute ms).
     * @param {'usgs' | 'meteo' | 'batch'} kind @param {number} index
     * @returns {{ fetchedAt: Date, rows: { key: string, version: string, eventTime: Date | null, record: string, context: string | null }[] }}
     */
    rows(kind, index) {
      const at = startMs + firingAt(kind, index, cadenceScale);
      if (kind === 'usgs') {
        const features = quakes.feedAt(at);
        // a quiet hour still answers; the poll then carries the newest event before the hour
        if (features.length === 0) features.push(quakes.latestBefore(at));
        return { fetchedAt: new Date(at), rows: rowsOf(extractPoll.usgs({ type: 'FeatureCollection', features })) };
      }
      if (kind === 'meteo') return { fetchedAt: new Date(at), rows: rowsOf(extractPoll.meteo(forecastAt(at, index, seed))) };
      const rows = [];
      for (let j = 0; j < rowsPerBatch; j++) {
        const n = index * rowsPerBatch + j;
        const received = at - batchMs + Math.floor(((j + 0.5) / rowsPerBatch) * batchMs);
        const happened = received - 400;
        const template = templates[n % templates.length];
        const event = {
          ...template,
          meta: { ...template.meta, id: uuidOf(`${seed}:rc:${n}`), dt: new Date(happened).toISOString().replace(/\.\d{3}Z$/, 'Z'), offset: 4_900_000_000 + n },
          id: 1_700_000_000 + n,
          timestamp: Math.floor(happened / 1000),
        };
        const extraction = extractEvent(JSON.stringify(event));
        if (!extraction.ok) throw new Error(`model produced an event the extractor rejects: ${extraction.message}`);
        rows.push({ ...extraction.record, context: JSON.stringify({ received_at: new Date(received).toISOString() }) });
      }
      return { fetchedAt: new Date(at), rows };
    },
  };
}

/**
 * Earthquakes over `days` days: origin times (Poisson, 12/h), each published 2 min after its origin
 * and revised once 20 min after it.
 * @param {number} startMs @param {number} days @param {number} seed
 */
function earthquakeSchedule(startMs, days, seed) {
  const random = prng(seed);
  const next = earthquakeGenerator({ seed, idPrefix: 'h' });
  /** @type {{ time: number, feature: any }[]} */
  const events = [];
  const meanGapMs = HOUR_MS / 12;
  for (let t = startMs - HOUR_MS - Math.log(1 - random()) * meanGapMs; t < startMs + days * DAY_MS; t += -Math.log(1 - random()) * meanGapMs) {
    const time = Math.floor(t);
    events.push({ time, feature: next(time) });
  }
  const PUBLISHED_MS = 2 * MINUTE_MS;
  const REVISED_MS = 20 * MINUTE_MS;
  /** @param {{ time: number, feature: any }} e @param {number} at */
  const versionAt = (e, at) => {
    const updated = at >= e.time + REVISED_MS ? e.time + REVISED_MS : e.time + PUBLISHED_MS;
    return { ...e.feature, properties: { ...e.feature.properties, updated, status: updated === e.time + REVISED_MS ? 'reviewed' : 'automatic' } };
  };
  /** first index with time > t @param {number} t */
  const after = (t) => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (/** @type {any} */ (events[mid]).time <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    /** The all_hour feed at `at`: events of the last hour already published, latest version each. @param {number} at */
    feedAt(at) {
      const out = [];
      for (let i = after(at - HOUR_MS); i < events.length && /** @type {any} */ (events[i]).time <= at - PUBLISHED_MS; i++) out.push(versionAt(/** @type {any} */ (events[i]), at));
      return out;
    },
    /** @param {number} at */
    latestBefore(at) {
      const e = events[Math.max(0, after(at - PUBLISHED_MS) - 1)];
      return versionAt(/** @type {any} */ (e), at);
    },
  };
}

/**
 * An Open-Meteo forecast response polled at `at`: 168 hourly values from 00:00 UTC of its day.
 * @param {number} at @param {number} poll @param {number} seed
 */
function forecastAt(at, poll, seed) {
  const dayStart = Math.floor(at / DAY_MS) * DAY_MS;
  const time = [];
  const temperature = [];
  for (let h = 0; h < 168; h++) {
    const hourMs = dayStart + h * HOUR_MS;
    time.push(new Date(hourMs).toISOString().slice(0, 16));
    const base = 19 + 6 * Math.sin(((hourMs / HOUR_MS - 9) / 24) * 2 * Math.PI);
    // past hours keep the value of the last forecast before them; hours ahead are revised at every poll
    const revision = hourMs <= at ? Math.floor(hourMs / (15 * MINUTE_MS)) : poll;
    temperature.push(Math.round((base + noise(`${seed}:${hourMs}:${revision}`)) * 10) / 10);
  }
  return {
    latitude: -23.25,
    longitude: -46,
    generationtime_ms: 0.03,
    utc_offset_seconds: 0,
    timezone: 'GMT',
    timezone_abbreviation: 'GMT',
    elevation: 570,
    hourly_units: { time: 'iso8601', temperature_2m: '°C' },
    hourly: { time, temperature_2m: temperature },
  };
}

/** Deterministic noise in [-1.5, 1.5). @param {string} key */
function noise(key) {
  return (createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32) * 3 - 1.5;
}

/** A UUID-shaped id derived from a name. @param {string} name */
function uuidOf(name) {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
