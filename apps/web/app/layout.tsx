import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { staleAfterMs } from './lib/data';
import { NavLinks } from './ui/common/nav-links';
import { ConnectionBadge, ConnectionBanner } from './ui/live/connection-badge';
import { LiveProvider } from './ui/live/live-provider';
import './globals.css';

export const metadata: Metadata = {
  title: 'fluxo — pipeline dashboard',
  description: 'Live view of the fluxo pipeline and its curated data',
};

// Every page reads the lake and Kafka at request time.
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <LiveProvider staleAfterMs={staleAfterMs()}>
          <header className="topbar">
            <div className="brand">
              <span className="logo" aria-hidden="true">
                ◆
              </span>
              fluxo
            </div>
            <NavLinks />
            <ConnectionBadge />
          </header>
          <ConnectionBanner />
          <main className="main">{children}</main>
          <footer className="footer">
            Read-only. Data: U.S. Geological Survey; Weather data by Open-Meteo.com (CC BY 4.0); Wikimedia contributors (CC BY-SA).
          </footer>
        </LiveProvider>
      </body>
    </html>
  );
}
