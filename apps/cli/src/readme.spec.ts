import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_SETTINGS } from '@fluxo/schema';
import { COMMANDS } from './commands/registry';

describe('README', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

  it('documents every configuration setting', () => {
    expect(CLI_SETTINGS.filter((setting) => !readme.includes(`\`${setting.env}\``)).map((s) => s.env)).toEqual([]);
  });

  it('documents every command', () => {
    expect(COMMANDS.filter((command) => !readme.includes(`\`${command.name}`)).map((c) => c.name)).toEqual([]);
  });
});
