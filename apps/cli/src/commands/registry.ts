import type { CommandSpec } from '../args/command-spec';
import { deadLettersListCommand, deadLettersReplayCommand, deadLettersShowCommand } from './dead-letters';
import { definitionsCheckCommand, definitionsTryCommand } from './definitions';
import { compactCommand, gcCommand } from './maintenance';
import { queryCommand } from './query';
import { reprocessCommand } from './reprocess';
import { statusCommand } from './status';

/** Every command, in the order `fluxo --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  statusCommand,
  deadLettersListCommand,
  deadLettersShowCommand,
  deadLettersReplayCommand,
  reprocessCommand,
  definitionsCheckCommand,
  definitionsTryCommand,
  compactCommand,
  gcCommand,
  queryCommand,
];
