import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** What `inspect_parquet.py` reports about one file, as pyarrow sees it. */
export interface PyarrowInspection {
  readonly pyarrow: string;
  readonly formatVersion: string;
  readonly createdBy: string;
  readonly numRows: number;
  readonly numRowGroups: number;
  readonly columns: readonly {
    readonly name: string;
    /** pyarrow's type string, e.g. `timestamp[us, tz=UTC]`, `string`, `large_string`. */
    readonly type: string;
    readonly nullable: boolean;
    readonly compression: string | null;
    /** `DATA_PAGE` (V1) or `DATA_PAGE_V2`, decoded from the first data page header. */
    readonly firstDataPage: string | null;
  }[];
  /** The first rows; timestamps as Python `isoformat()` (`2025-05-04T13:40:18.110000+00:00`). */
  readonly rows: readonly Record<string, unknown>[];
}

const PYARROW_SETUP_HINT =
  'Interop tests read files with pyarrow in a real Python process. Point FLUXO_PYTHON at an interpreter that has it, e.g.\n' +
  '  python3 -m venv .fluxo/python && .fluxo/python/bin/pip install pyarrow\n' +
  '  FLUXO_PYTHON=$PWD/.fluxo/python/bin/python npx nx test parquet-io';

/** The interpreter the interop tests use: `$FLUXO_PYTHON`, else `python3`. */
export function pythonExecutable(): string {
  return process.env['FLUXO_PYTHON'] ?? 'python3';
}

/**
 * Reads a Parquet file with pyarrow in a child Python process. Rejects (so the test fails, never
 * skips) with setup instructions when Python or pyarrow is missing.
 */
export function inspectWithPyarrow(path: string, sampleRows = 5): Promise<PyarrowInspection> {
  const python = pythonExecutable();
  const script = join(__dirname, 'inspect_parquet.py');
  return new Promise((resolve, reject) => {
    execFile(python, [script, path, String(sampleRows)], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error !== null) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT' || error.code === 3;
        const why = missing ? `${python}: ${stderr.trim() || error.message}\n${PYARROW_SETUP_HINT}` : `${error.message}\n${stderr}`;
        reject(new Error(`pyarrow inspection of ${path} failed: ${why}`));
        return;
      }
      resolve(JSON.parse(stdout) as PyarrowInspection);
    });
  });
}
