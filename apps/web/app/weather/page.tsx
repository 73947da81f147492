import { Suspense } from 'react';
import { CardSkeleton } from '../ui/common/skeleton';
import { WeatherWidget } from '../ui/weather/sections';

export default function WeatherPage() {
  return (
    <>
      <div className="page-head">
        <h1>Weather</h1>
        <p className="muted">Open-Meteo hourly forecasts (dataset weather_hourly).</p>
      </div>
      <div className="grid">
        <Suspense fallback={<CardSkeleton title="Forecast data" wide height={60} />}>
          <WeatherWidget widget="summary" />
        </Suspense>
        <Suspense fallback={<CardSkeleton title="Temperature over time" wide height={340} />}>
          <WeatherWidget widget="temperature" />
        </Suspense>
      </div>
    </>
  );
}
