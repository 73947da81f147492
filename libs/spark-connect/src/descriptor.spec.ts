import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

describe('the vendored Spark Connect protocol', () => {
  it('matches PROVENANCE.json byte for byte, and the run-time descriptor is generated from it', () => {
    // Exits 1 naming the stale files when someone edits a .proto or the descriptor by hand.
    expect(() => execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'sync-protos.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
