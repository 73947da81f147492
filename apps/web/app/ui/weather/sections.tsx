import { getWeatherView } from '../../lib/data';
import { TemperatureChart, WeatherSummary } from './widgets';

const WIDGETS = { summary: WeatherSummary, temperature: TemperatureChart } as const;

export async function WeatherWidget({ widget }: { widget: keyof typeof WIDGETS }) {
  const view = await getWeatherView();
  const Widget = WIDGETS[widget];
  return <Widget initial={view} />;
}
