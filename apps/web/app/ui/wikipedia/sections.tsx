import { getWikipediaView } from '../../lib/data';
import { BotsVsHumans, EditsPerMinute, TopPages, WikiSummary } from './widgets';

const WIDGETS = { summary: WikiSummary, perMinute: EditsPerMinute, bots: BotsVsHumans, topPages: TopPages } as const;

export async function WikipediaWidget({ widget }: { widget: keyof typeof WIDGETS }) {
  const view = await getWikipediaView();
  const Widget = WIDGETS[widget];
  return <Widget initial={view} />;
}
