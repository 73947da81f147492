import { FACET_SCHEMAS, facet, OPENLINEAGE_SCHEMA_URL, type RunEvent } from './openlineage';
import { openLineageValidator } from './testing';

const producer = 'urn:fluxo:test:1';
const valid: RunEvent = {
  eventType: 'COMPLETE',
  eventTime: '2026-01-01T00:00:00.000Z',
  producer,
  schemaURL: OPENLINEAGE_SCHEMA_URL,
  run: { runId: '0f6b1c1e-5a1b-4c2d-8e3f-1234567890ab', facets: { processing_engine: facet(producer, FACET_SCHEMAS.processingEngine, { version: '1', name: 'fluxo' }) } },
  job: { namespace: 'fluxo', name: 'normalizer.earthquakes' },
  inputs: [{ namespace: 'kafka://127.0.0.1:9092', name: 'fluxo.raw-files', inputFacets: { fluxo_kafkaOffsets: facet(producer, FACET_SCHEMAS.kafkaOffsets, { group: 'g', partitions: [{ partition: 0, firstOffset: '1', lastOffset: '2' }] }) } }],
  outputs: [{ namespace: 'ducklake:sqlite:/x.sqlite', name: 'fluxo.main.earthquakes', outputFacets: { outputStatistics: facet(producer, FACET_SCHEMAS.outputStatistics, { rowCount: 3, size: 10, fileCount: 1 }) } }],
};

describe('openLineageValidator (the published OpenLineage schema, vendored)', () => {
  const validate = openLineageValidator();

  it('accepts a run event with standard and fluxo facets', () => {
    expect(validate(valid)).toEqual({ valid: true, problems: [] });
  });

  it('rejects what the core schema forbids: an unknown event type, a run id that is not a UUID, a missing job', () => {
    const { job: _job, ...withoutJob } = valid;
    expect(validate({ ...valid, eventType: 'DONE' }).valid).toBe(false);
    expect(validate({ ...valid, run: { runId: 'not-a-uuid' } }).valid).toBe(false);
    expect(validate(withoutJob).valid).toBe(false);
  });

  it('validates each facet against the schema its _schemaURL names, and refuses unknown schemas', () => {
    const wrongType = { ...valid, outputs: [{ ...valid.outputs[0], outputFacets: { outputStatistics: facet(producer, FACET_SCHEMAS.outputStatistics, { rowCount: 'three' }) } }] };
    expect(validate(wrongType).problems.join('\n')).toMatch(/outputStatistics\/rowCount: must be integer/);
    const badOffsets = { ...valid, inputs: [{ ...valid.inputs[0], inputFacets: { fluxo_kafkaOffsets: facet(producer, FACET_SCHEMAS.kafkaOffsets, { group: 'g', partitions: [] }) } }] };
    expect(validate(badOffsets).valid).toBe(false);
    const unknown = { ...valid, job: { ...valid.job, facets: { mine: facet(producer, 'https://example.invalid/Mine.json', {}) } } };
    expect(validate(unknown).problems).toEqual(['/job/facets/mine: _schemaURL "https://example.invalid/Mine.json" is not a known facet schema']);
    const noProducer = { ...valid, run: { ...valid.run, facets: { processing_engine: { _schemaURL: FACET_SCHEMAS.processingEngine, version: '1' } } } };
    expect(validate(noProducer).valid).toBe(false);
  });
});
