import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically, type Lake } from '@fluxo/parquet-io';
import type { Quarantine } from './ports';

/** Responses that could not be processed, kept verbatim under `<lake>/quarantine/ingest/`. */
export function lakeQuarantine(lake: Lake): Quarantine {
  return {
    async keep({ source, at, stem, body }) {
      const location = lake.quarantinePath('ingest', at, `${source}-${stem}`, 'json');
      const target = await lake.resolve(location.uri);
      if (Buffer.isBuffer(body)) {
        await writeFileAtomically(target, body);
      } else {
        // a spooled body: copied under a temp name beside the target, then renamed (atomic)
        const tmp = `${target}.${process.pid}.tmp`;
        await mkdir(dirname(target), { recursive: true });
        await copyFile(body.path, tmp);
        await rename(tmp, target);
        await rm(body.path, { force: true });
      }
      return location.uri;
    },
  };
}
