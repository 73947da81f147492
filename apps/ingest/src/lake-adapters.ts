import { writeFileAtomically, type Lake } from '@fluxo/parquet-io';
import type { Quarantine } from './ports';

/** Responses that could not be processed, kept verbatim under `<lake>/quarantine/ingest/`. */
export function lakeQuarantine(lake: Lake): Quarantine {
  return {
    async keep({ source, at, stem, body }) {
      const location = lake.quarantinePath('ingest', at, `${source}-${stem}`, 'json');
      await writeFileAtomically(await lake.resolve(location.uri), body);
      return location.uri;
    },
  };
}
