import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFluxo } from '../testing/run-cli';

describe('issue 12: reprocess with the lake on S3', () => {
  it('is refused, not run over an empty local raw zone (it would re-curate nothing)', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'fluxo-cli-s3-'));
    try {
      const env = { FLUXO_LAKE_ROOT: 's3://fluxo-lake/prod', FLUXO_S3_ENDPOINT: 'http://127.0.0.1:1', AWS_ACCESS_KEY_ID: 'key', AWS_SECRET_ACCESS_KEY: 'secret-value' };
      const run = await runFluxo(['reprocess', 'earthquakes'], env, cwd);
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('reads raw files from a local lake only');
      expect(run.stderr).toContain('s3://fluxo-lake/prod');
      expect(run.stderr).not.toContain('secret-value');
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
