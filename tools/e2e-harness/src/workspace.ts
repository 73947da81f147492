import { join } from 'node:path';

/** The repository root (built apps are under `dist/`, fixtures and examples in their projects). */
export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');

/** Where a suite keeps its logs, screenshots and reports for post-mortems: `test-artifacts/<suite>`. */
export function artifactsDir(suite: string): string {
  return join(WORKSPACE_ROOT, 'test-artifacts', suite);
}
