import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env['FLUXO_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Debian's chromium driven by playwright-core (no browser download): headless, sandbox off (root in CI),
 * no background networking (the machine's network is closed), a fresh profile per launch.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests use Debian's chromium. Install it with \`apt-get install -y chromium\` (or set FLUXO_CHROMIUM).`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'fluxo-chromium-'));
  // playwright passes the profile as --user-data-dir itself (it refuses the flag in `args`).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A new page at `url`, once its live connection is up and every streamed widget is on screen. */
export async function openLive(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('[data-testid=connection-badge][data-state=live]').waitFor({ timeout: 30_000 });
  await streamed(page);
  return page;
}

/**
 * Waits until every widget streamed through a Suspense boundary is on screen: no loading skeleton
 * (`aria-busy`) and no streamed segment React has not moved into place yet (a hidden `S:` div; React
 * batches these reveals, so they can outlive the page's load event). Assertions that count elements
 * do not wait by themselves and would otherwise race the stream.
 */
export async function streamed(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[aria-busy=true], div[hidden][id^="S:"]') === null, undefined, { timeout: 30_000 });
}
