import type { WikipediaView } from '../../definitions';
import { num, tsLiteral, type LakeData } from '../lake-data';
import type { CuratedTable } from '../table-listing';

export const RECENTCHANGE = 'recentchange';
const WIKIPEDIA_VIEW_KEY = 'wikipedia';
/** Minutes shown, ending at the newest edit in the lake. */
const MINUTES_SHOWN = 60;
const TOP_WIKIS = 6;
const NO_DATA = 'No Wikipedia edits yet: the recentchange table has no rows (stream-ingest and the normalizer write them).';

/**
 * Wikimedia recentchange edits: per minute by wiki, bots vs humans, top pages, over the last hour of
 * data. The hour ends at the newest edit (from the table's column statistics) and filters the table
 * by event time, its partition column: the page reads one or two day partitions, whatever the history.
 */
export async function wikipediaView(lake: LakeData): Promise<WikipediaView> {
  const dataset = await lake.dataset(RECENTCHANGE);
  return lake.cached(`view:${WIKIPEDIA_VIEW_KEY}`, dataset.signature, async () => {
    let newestEdit: Promise<string | null> | undefined;
    const newest = (table: CuratedTable) =>
      (newestEdit ??= lake.query<{ newest: string | null }>(`SELECT max(event_time) AS newest FROM ${table.source}`).then(([row]) => row?.newest ?? null));
    // One row per event (a re-delivered event keeps its event_id, and so its event time), within the last hour of data.
    const recentOf = async (table: CuratedTable) => {
      const end = await newest(table);
      return end === null
        ? null
        : `(SELECT * FROM ${table.source} WHERE event_time > ${tsLiteral(end)} - INTERVAL ${MINUTES_SHOWN} MINUTE
            QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY _fetched_at DESC) = 1)`;
    };
    const withRecent =
      <T>(compute: (recent: string) => Promise<T | null>) =>
      async (table: CuratedTable): Promise<T | null> => {
        const recent = await recentOf(table);
        return recent === null ? null : compute(recent);
      };
    const summary = await lake.load(
      dataset,
      withRecent(async (recent) => {
        const [row] = await lake.query<Record<string, unknown>>(
          `SELECT count(*)::INTEGER AS edits, count(DISTINCT wiki)::INTEGER AS wikis, avg(CASE WHEN bot THEN 1 ELSE 0 END) AS bot_share, max(event_time) AS newest FROM ${recent}`,
        );
        if (row === undefined || row['edits'] === 0) return null;
        return { edits: num(row['edits']) ?? 0, wikis: num(row['wikis']) ?? 0, botShare: num(row['bot_share']) ?? 0, windowEnd: row['newest'] == null ? null : String(row['newest']) };
      }),
      NO_DATA,
    );
    const perMinute = await lake.load(
      dataset,
      withRecent(async (recent) => {
        const rows = await lake.query<{ at: string; wiki: string; edits: number }>(
          `WITH r AS ${recent}, top AS (SELECT wiki FROM r GROUP BY wiki ORDER BY count(*) DESC, wiki LIMIT ${TOP_WIKIS})
           SELECT date_trunc('minute', event_time) AS at, CASE WHEN wiki IN (SELECT wiki FROM top) THEN wiki ELSE 'other' END AS wiki, count(*)::INTEGER AS edits
           FROM r GROUP BY 1, 2 ORDER BY 1, 2`,
        );
        if (rows.length === 0) return null;
        const wikis = [...new Set(rows.map((row) => row.wiki))].sort((a, b) => (a === 'other' ? 1 : b === 'other' ? -1 : a.localeCompare(b)));
        const points = new Map<string, Record<string, number>>();
        for (const row of rows) points.set(row.at, { ...(points.get(row.at) ?? {}), [row.wiki]: row.edits });
        return { wikis, points: [...points.entries()].map(([at, counts]) => ({ at, counts })) };
      }),
      NO_DATA,
    );
    const botsVsHumans = await lake.load(
      dataset,
      withRecent(async (recent) => {
        const rows = await lake.query<{ at: string; bots: number; humans: number }>(
          `SELECT date_trunc('minute', event_time) AS at, count(*) FILTER (WHERE bot)::INTEGER AS bots, count(*) FILTER (WHERE NOT coalesce(bot, false))::INTEGER AS humans
           FROM ${recent} GROUP BY 1 ORDER BY 1`,
        );
        return rows.length === 0 ? null : rows;
      }),
      NO_DATA,
    );
    const topPages = await lake.load(
      dataset,
      withRecent(async (recent) => {
        const rows = await lake.query<{ wiki: string; title: string; edits: number; size_delta: number | null }>(
          `SELECT wiki, title, count(*)::INTEGER AS edits, sum(size_delta)::BIGINT AS size_delta FROM ${recent} GROUP BY 1, 2 ORDER BY edits DESC, wiki, title LIMIT 10`,
        );
        return rows.length === 0 ? null : rows.map((row) => ({ wiki: row.wiki, title: row.title, edits: row.edits, sizeDelta: num(row.size_delta) ?? 0 }));
      }),
      NO_DATA,
    );
    return { key: WIKIPEDIA_VIEW_KEY, summary, perMinute, botsVsHumans, topPages };
  });
}
