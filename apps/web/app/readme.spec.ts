import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_SETTINGS } from '@fluxo/schema';

describe('README', () => {
  it('documents every configuration setting', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const missing = WEB_SETTINGS.filter((setting) => !readme.includes(`\`${setting.env}\``)).map((s) => s.env);
    expect(missing).toEqual([]);
  });
});
