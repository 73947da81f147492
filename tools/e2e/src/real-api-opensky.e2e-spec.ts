import { PipelineHarness } from '@fluxo/e2e-harness';
import { runRecordedApi } from './support/real-api';

/**
 * Issue 10, arrays of arrays with named positions: a real OpenSky `/states/all` response
 * (recorded 2018-02-13 in navidys/gopensky's test data) through replay server, Kafka and normalizer.
 */
describe('OpenSky /states/all: records that are arrays, positions named by the definition', () => {
  let pipeline: PipelineHarness;
  beforeAll(async () => {
    pipeline = await PipelineHarness.create('opensky');
  });
  afterAll(async () => pipeline.close());

  it('curates exactly the recorded state vectors, once, with drift counts on the curated reference', async () => {
    await runRecordedApi(pipeline, { example: 'opensky-states', source: 'opensky-states', dataset: 'aircraft_states', path: '/api/states/all', rows: 6 });
    const rows = await pipeline.curatedRows<Record<string, unknown>>('aircraft_states', '* EXCLUDE (_source, _record_key, _record_version, _fetched_at, _raw_uri, _kafka_topic, _kafka_partition, _kafka_offset)', 'ORDER BY icao24');
    expect(rows).toEqual([
      { icao24: '7c6b2d', callsign: 'JST745', origin_country: 'Australia', time_position: null, last_contact: '2018-02-13T20:12:55.000Z', longitude: null, latitude: null, baro_altitude_m: null, on_ground: true, velocity_ms: 0.19, true_track_deg: 180, vertical_rate_ms: null, geo_altitude_m: null, squawk: '3662', spi: false, position_source: 0, states_time: '2018-02-13T20:13:29.000Z' },
      { icao24: 'a0cfbd', callsign: 'AAL1852', origin_country: 'United States', time_position: '2018-02-13T20:13:27.000Z', last_contact: '2018-02-13T20:13:27.000Z', longitude: -67.3843, latitude: 19.9709, baro_altitude_m: 9144, on_ground: false, velocity_ms: 218.45, true_track_deg: 321.21, vertical_rate_ms: 0, geo_altitude_m: 9593.58, squawk: '2330', spi: false, position_source: 0, states_time: '2018-02-13T20:13:29.000Z' },
      { icao24: 'a77eae', callsign: 'N582PU', origin_country: 'United States', time_position: '2018-02-13T20:13:29.000Z', last_contact: '2018-02-13T20:13:29.000Z', longitude: -86.9988, latitude: 40.4198, baro_altitude_m: 228.6, on_ground: false, velocity_ms: 39.31, true_track_deg: 83.99, vertical_rate_ms: -1.3, geo_altitude_m: 342.9, squawk: '1200', spi: false, position_source: 0, states_time: '2018-02-13T20:13:29.000Z' },
      { icao24: 'aa56da', callsign: 'UAL2796', origin_country: 'United States', time_position: '2018-02-13T20:13:29.000Z', last_contact: '2018-02-13T20:13:29.000Z', longitude: -76.0575, latitude: 39.2978, baro_altitude_m: 8229.6, on_ground: false, velocity_ms: 266.64, true_track_deg: 42.03, vertical_rate_ms: 0.65, geo_altitude_m: 8435.34, squawk: '0753', spi: false, position_source: 0, states_time: '2018-02-13T20:13:29.000Z' },
      { icao24: 'aa56db', callsign: 'UAL1711', origin_country: 'United States', time_position: '2018-02-13T20:13:28.000Z', last_contact: '2018-02-13T20:13:29.000Z', longitude: -80.8667, latitude: 41.8291, baro_altitude_m: 11277.6, on_ground: false, velocity_ms: 291.48, true_track_deg: 97.3, vertical_rate_ms: 0, geo_altitude_m: 11376.66, squawk: '1031', spi: false, position_source: 0, states_time: '2018-02-13T20:13:29.000Z' },
      { icao24: 'ac96b8', callsign: 'AAL2423', origin_country: 'United States', time_position: '2018-02-13T20:13:29.000Z', last_contact: '2018-02-13T20:13:29.000Z', longitude: -93.4581, latitude: 44.9529, baro_altitude_m: 1150.62, on_ground: false, velocity_ms: 116.59, true_track_deg: 94.3, vertical_rate_ms: 0, geo_altitude_m: 1143, squawk: '2236', spi: false, position_source: 0, states_time: '2018-02-13T20:13:29.000Z' },
    ]);
    // unchanged polls announce nothing again; the one raw file carries all six
    expect((await pipeline.references('raw')).map((r) => r.rows)).toEqual([6]);
    const [curated] = await pipeline.references('curated');
    const drift = Object.fromEntries((curated?.drift?.columns ?? []).map((c) => [c.column, [c.absent, c.invalid]]));
    expect(curated?.drift?.rows).toBe(6);
    expect(drift).toMatchObject({ icao24: [0, 0], longitude: [0, 0], squawk: [0, 0], states_time: [0, 0] });
    expect(await pipeline.deadLetters()).toEqual([]);
  });
});
