import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSettings, STREAM_INGEST_SETTINGS } from '@fluxo/schema';

describe('README', () => {
  it('documents every setting with the table generated from STREAM_INGEST_SETTINGS', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const table = /<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/.exec(readme)?.[1];
    expect(table).toBe(describeSettings(STREAM_INGEST_SETTINGS));
  });
});
