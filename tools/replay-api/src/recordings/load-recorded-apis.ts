/**
 * Loads recorded responses of any HTTP API from `apis/<api>/recording.json`: which paths (and
 * queries) were recorded, and for each the response files in order, with status, content type and
 * headers. A folder of recorded responses is all it takes to replay a new API offline.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ReplayError } from '../errors';
import { type RecordedResponse, recordedResponse } from './recorded-response';

export interface RecordedApiResponse {
  readonly recorded: RecordedResponse;
  readonly status: number;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RecordedApiRoute {
  readonly path: string;
  /** Query the request must carry (order does not matter); undefined: any query. */
  readonly query: URLSearchParams | undefined;
  readonly responses: readonly RecordedApiResponse[];
}

export interface RecordedApi {
  readonly name: string;
  readonly api: string;
  /** The real origin; absolute URLs to it in headers (Link) are rewritten to the replay server's. */
  readonly realOrigin: string;
  readonly routes: readonly RecordedApiRoute[];
}

interface RecordingFile {
  api?: unknown;
  realOrigin?: unknown;
  routes?: unknown;
}

export async function loadRecordedApis(fixturesDir: string): Promise<RecordedApi[]> {
  const root = join(fixturesDir, 'apis');
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return []; // a fixtures folder without recorded APIs
  }
  const apis: RecordedApi[] = [];
  for (const name of names) {
    const file = join('apis', name, 'recording.json');
    let plain: RecordingFile;
    try {
      plain = JSON.parse(await readFile(join(fixturesDir, file), 'utf8')) as RecordingFile;
    } catch (error) {
      throw new ReplayError('FIXTURE_INVALID', `${file}: not readable JSON`, { file }, { cause: error });
    }
    const problems: string[] = [];
    if (typeof plain.api !== 'string') problems.push('"api" must be a description string');
    if (typeof plain.realOrigin !== 'string' || !/^https?:\/\/[^/]+$/.test(plain.realOrigin)) problems.push('"realOrigin" must be like "https://api.example.org"');
    if (!Array.isArray(plain.routes) || plain.routes.length === 0) problems.push('"routes" must be a non-empty list');
    if (problems.length > 0) throw new ReplayError('FIXTURE_INVALID', `${file} is invalid`, { file, problems });
    const routes: RecordedApiRoute[] = [];
    for (const [index, route] of (plain.routes as Record<string, unknown>[]).entries()) {
      const path = route['path'];
      const responses = route['responses'];
      if (typeof path !== 'string' || !path.startsWith('/') || !Array.isArray(responses) || responses.length === 0) {
        throw new ReplayError('FIXTURE_INVALID', `${file}: routes[${index}] needs "path" (starting with /) and a non-empty "responses" list`, { file });
      }
      const loaded: RecordedApiResponse[] = [];
      for (const response of responses as Record<string, unknown>[]) {
        const bodyFile = response['file'];
        if (typeof bodyFile !== 'string' || bodyFile.includes('..') || bodyFile.includes('/')) {
          throw new ReplayError('FIXTURE_INVALID', `${file}: routes[${index}]: every response needs "file", a name in the same folder`, { file });
        }
        const body = await readFile(join(root, name, bodyFile)).catch((error: unknown) => {
          throw new ReplayError('FIXTURE_MISSING', `${file}: ${bodyFile} is missing`, { file }, { cause: error });
        });
        const headers = (response['headers'] ?? {}) as Record<string, string>;
        const date = Date.parse(headers['Date'] ?? '');
        loaded.push({
          recorded: recordedResponse(body, Number.isNaN(date) ? 0 : date, join('apis', name, bodyFile)),
          status: typeof response['status'] === 'number' ? response['status'] : 200,
          contentType: typeof response['contentType'] === 'string' ? response['contentType'] : 'application/json',
          headers,
        });
      }
      routes.push({ path, query: typeof route['query'] === 'string' ? new URLSearchParams(route['query']) : undefined, responses: loaded });
    }
    apis.push({ name, api: plain.api as string, realOrigin: plain.realOrigin as string, routes });
  }
  return apis;
}
