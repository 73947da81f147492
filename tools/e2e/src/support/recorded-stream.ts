import { RECENTCHANGE_PATH } from '@fluxo/replay-api';

/**
 * The `meta.id`s of the replayed recentchange stream in stream order, read from a fresh connection
 * (which starts at the first recorded event): what a producer that missed nothing has seen.
 * Read it at the end of a test: the connection moves the server's live position.
 */
export async function recordedStreamIds(replayUrl: string, count: number): Promise<string[]> {
  const controller = new AbortController();
  const response = await fetch(`${replayUrl}${RECENTCHANGE_PATH}`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  if (response.body === null) throw new Error('the replay stream has no body');
  const ids: string[] = [];
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of response.body) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      const lines = text.split('\n');
      text = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('data: ')) continue;
        ids.push((JSON.parse(line.slice(6)) as { meta: { id: string } }).meta.id);
        if (ids.length >= count) return ids;
      }
    }
  } finally {
    controller.abort();
  }
  return ids;
}

/**
 * Where `actual` ids sit in the stream: the runs of consecutive stream positions they cover, e.g.
 * `[[0, 411]]` for an unbroken prefix, `[[0, 200], [260, 480]]` for one hole. Ids not in the stream
 * (invented) are returned apart.
 */
export function runsInStream(stream: readonly string[], actual: readonly string[]): { readonly runs: [number, number][]; readonly unknown: string[] } {
  const index = new Map(stream.map((id, i) => [id, i]));
  const positions: number[] = [];
  const unknown: string[] = [];
  for (const id of actual) {
    const position = index.get(id);
    if (position === undefined) unknown.push(id);
    else positions.push(position);
  }
  positions.sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const position of positions) {
    const last = runs[runs.length - 1];
    if (last !== undefined && position === last[1] + 1) last[1] = position;
    else runs.push([position, position]);
  }
  return { runs, unknown };
}
