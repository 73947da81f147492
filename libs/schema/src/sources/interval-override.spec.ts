import { BUILTIN_DEFINITIONS } from './builtin-definitions';
import { DefinitionCatalog } from './definition-catalog';
import { INTERVAL_OVERRIDE_MAX_MS, resolveSourceInstance, resolveSourceInstances } from './source-instance';

const catalog = DefinitionCatalog.build(BUILTIN_DEFINITIONS);

describe('issue 9: intervalMs overrides stay within a bounded range (never overflow setTimeout)', () => {
  it('accepts the bounds', () => {
    expect(resolveSourceInstance(catalog, 'usgs-earthquakes?intervalMs=10').intervalMs).toBe(10);
    expect(resolveSourceInstance(catalog, `usgs-earthquakes?intervalMs=${INTERVAL_OVERRIDE_MAX_MS}`).intervalMs).toBe(INTERVAL_OVERRIDE_MAX_MS);
  });

  it.each(['2147483648', '99999999999999999999', '86400001', '9', '-5', '1.5', 'soon', ''])('rejects intervalMs=%s with INVALID_CONFIG', (value) => {
    expect(() => resolveSourceInstance(catalog, `usgs-earthquakes?intervalMs=${value}`)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', problems: [expect.stringContaining('intervalMs must be an integer from 10 to 86400000')] }),
    );
  });

  it('lists the problems of every source spec in one configuration error', () => {
    expect(() => resolveSourceInstances(catalog, ['usgs-earthquakes?intervalMs=4294967296', 'open-meteo-forecast?intervalMs=0', 'usgs-earthquakes'])).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        problems: [
          expect.stringMatching(/^FLUXO_SOURCES: "usgs-earthquakes\?intervalMs=4294967296": intervalMs must be/),
          expect.stringMatching(/^FLUXO_SOURCES: "open-meteo-forecast\?intervalMs=0": intervalMs must be/),
        ],
      }),
    );
  });
});
