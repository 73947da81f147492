// @ts-check
/**
 * The naive baseline: a straightforward port of the original design to Node. Per reference on the
 * raw-files topic: check the file's sha256, read it row by row with @dsnp/parquetjs, JSON.parse each
 * record and map it in JS, drop duplicate (key, version) pairs and rows missing a required column,
 * write one curated file per event date with @dsnp/parquetjs (snappy, V1 pages, sorted like fluxo's),
 * publish a curated reference, commit the offset. Same columns as fluxo's curated files.
 *
 * @dsnp/parquetjs cannot read zstd pages, so its input is a snappy copy of each raw file (same rows).
 * Configuration by env: BENCH_BROKERS, BENCH_LAKE_DIR, BENCH_TOPIC_RAW, BENCH_TOPIC_CURATED, BENCH_GROUP.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const parquet = require('@dsnp/parquetjs');
const { Kafka, logLevel } = require('kafkajs');

const env = (/** @type {string} */ name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const lakeDir = env('BENCH_LAKE_DIR');
const curatedTopic = env('BENCH_TOPIC_CURATED');

const TS = { type: 'TIMESTAMP_MILLIS', optional: true };
const schema = new parquet.ParquetSchema({
  event_id: { type: 'UTF8', optional: true },
  event_time: TS,
  updated_at: TS,
  magnitude: { type: 'DOUBLE', optional: true },
  magnitude_type: { type: 'UTF8', optional: true },
  longitude: { type: 'DOUBLE', optional: true },
  latitude: { type: 'DOUBLE', optional: true },
  depth_km: { type: 'DOUBLE', optional: true },
  place: { type: 'UTF8', optional: true },
  status: { type: 'UTF8', optional: true },
  event_type: { type: 'UTF8', optional: true },
  significance: { type: 'INT32', optional: true },
  tsunami: { type: 'BOOLEAN', optional: true },
  network: { type: 'UTF8', optional: true },
  url: { type: 'UTF8', optional: true },
  _source: { type: 'UTF8', optional: true },
  _record_key: { type: 'UTF8', optional: true },
  _record_version: { type: 'UTF8', optional: true },
  _fetched_at: TS,
  _raw_uri: { type: 'UTF8', optional: true },
  _kafka_topic: { type: 'UTF8', optional: true },
  _kafka_partition: { type: 'INT32', optional: true },
  _kafka_offset: { type: 'INT64', optional: true },
});

/** @param {unknown} v */
const num = (v) => (v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v));
/** @param {unknown} v */
const str = (v) => (v === null || v === undefined ? null : String(v));
/** @param {unknown} v */
const time = (v) => (num(v) === null ? null : new Date(/** @type {number} */ (num(v))));

/** @param {string} path */
async function sha256(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** @param {any} ref @param {{ topic: string, partition: number, offset: string }} at */
async function curate(ref, at) {
  const rawPath = join(lakeDir, ref.uri);
  if ((await sha256(rawPath)) !== ref.sha256) throw new Error(`checksum mismatch: ${ref.uri}`);
  const reader = await parquet.ParquetReader.openFile(rawPath);
  const cursor = reader.getCursor();
  const seen = new Set();
  /** @type {Map<string, any[]>} */
  const byDate = new Map();
  let raw;
  while ((raw = await cursor.next())) {
    const id = `${raw.record_key}\u0000${raw.record_version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const record = JSON.parse(raw.record);
    const p = record.properties ?? {};
    const c = record.geometry?.coordinates ?? [];
    const row = {
      event_id: str(record.id),
      event_time: time(p.time),
      updated_at: time(p.updated),
      magnitude: num(p.mag),
      magnitude_type: str(p.magType),
      longitude: num(c[0]),
      latitude: num(c[1]),
      depth_km: num(c[2]),
      place: str(p.place),
      status: str(p.status),
      event_type: str(p.type),
      significance: num(p.sig),
      tsunami: num(p.tsunami) === null ? null : num(p.tsunami) === 1,
      network: str(p.net),
      url: str(p.url),
      _source: ref.source,
      _record_key: raw.record_key,
      _record_version: raw.record_version,
      _fetched_at: raw.fetched_at,
      _raw_uri: ref.uri,
      _kafka_topic: at.topic,
      _kafka_partition: at.partition,
      _kafka_offset: BigInt(at.offset),
    };
    if (row.event_id === null || row.event_time === null || row.updated_at === null || row.longitude === null || row.latitude === null) continue;
    const date = row.event_time.toISOString().slice(0, 10);
    const list = byDate.get(date) ?? [];
    list.push(row);
    byDate.set(date, list);
  }
  await reader.close();
  const outputs = [];
  for (const [date, rows] of [...byDate.entries()].sort()) {
    rows.sort((a, b) => a.event_time - b.event_time || (a._record_key < b._record_key ? -1 : a._record_key > b._record_key ? 1 : 0));
    const uri = `curated/${ref.dataset}/event_date=${date}/${ref.source}-${ref.uri.split('/').pop().replace('.parquet', '')}.parquet`;
    const path = join(lakeDir, uri);
    await mkdir(dirname(path), { recursive: true });
    const writer = await parquet.ParquetWriter.openFile(schema, path, { compression: 'SNAPPY', useDataPageV2: false });
    for (const row of rows) await writer.appendRow(row);
    await writer.close();
    outputs.push({ uri, rows: rows.length, sha256: await sha256(path) });
  }
  return outputs;
}

const kafka = new Kafka({ clientId: 'bench-naive', brokers: env('BENCH_BROKERS').split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
const consumer = kafka.consumer({ groupId: env('BENCH_GROUP') });
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topic: env('BENCH_TOPIC_RAW'), fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    const ref = JSON.parse(/** @type {Buffer} */ (message.value).toString('utf8'));
    const outputs = await curate(ref, { topic, partition, offset: message.offset });
    await producer.send({
      topic: curatedTopic,
      acks: -1,
      messages: outputs.map((o) => ({
        key: ref.dataset,
        value: JSON.stringify({ schemaVersion: 1, eventId: randomUUID(), kind: 'curated', source: ref.source, dataset: ref.dataset, ...o, inputs: [{ uri: ref.uri, sha256: ref.sha256, topic, partition, offset: message.offset }] }),
      })),
    });
  },
});
console.log(JSON.stringify({ msg: 'naive normalizer running' }));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void consumer.disconnect().then(() => producer.disconnect()).then(() => process.exit(0));
  });
}
