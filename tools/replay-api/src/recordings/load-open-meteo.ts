/**
 * Loads the recorded Open-Meteo forecasts: the `response` of each line of the packed NDJSON, in
 * file (= fetch) order. `JSON.stringify` of a parsed response reproduces the recorded compact JSON.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReplayError } from '../errors';
import { type RecordedResponse, recordedResponse } from './recorded-response';

const OPEN_METEO_FILE = 'open-meteo/jacarei_forecast_daily_snapshots.ndjson';

interface PackedLine {
  fetchedAt?: unknown;
  response?: unknown;
}

export async function loadOpenMeteoSnapshots(fixturesDir: string): Promise<RecordedResponse[]> {
  let text: string;
  try {
    text = await readFile(join(fixturesDir, OPEN_METEO_FILE), 'utf8');
  } catch (error: unknown) {
    throw new ReplayError('FIXTURE_MISSING', `missing ${OPEN_METEO_FILE}`, { file: OPEN_METEO_FILE }, { cause: error });
  }
  const snapshots = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const label = `${OPEN_METEO_FILE}:${index + 1}`;
      let packed: PackedLine;
      try {
        packed = JSON.parse(line) as PackedLine;
      } catch (error: unknown) {
        throw new ReplayError('FIXTURE_INVALID', `${label}: not JSON`, { file: OPEN_METEO_FILE }, { cause: error });
      }
      if (typeof packed.response !== 'object' || packed.response === null || typeof packed.fetchedAt !== 'string') {
        throw new ReplayError('FIXTURE_INVALID', `${label}: expected {fetchedAt, response}`, { file: OPEN_METEO_FILE });
      }
      return recordedResponse(Buffer.from(JSON.stringify(packed.response)), Date.parse(packed.fetchedAt), label);
    });
  if (snapshots.length === 0) throw new ReplayError('FIXTURE_INVALID', `${OPEN_METEO_FILE} is empty`, { file: OPEN_METEO_FILE });
  return snapshots;
}
