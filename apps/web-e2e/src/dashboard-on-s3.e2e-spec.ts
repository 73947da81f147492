/**
 * Issue 12, part 4: the dashboard on a lake on S3-compatible storage. Ingest and the normalizer write
 * the raw and curated files as objects on the run's Versity S3 Gateway (FLUXO_TEST_S3_*), the catalog
 * stays a local SQLite file, and `next start` with the same settings reads the curated tables from S3
 * (httpfs with the lake's secret) into the page chromium renders.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { testS3LakeStorage } from '@fluxo/schema/testing';
import { eventually } from '@fluxo/e2e-harness';
import { launchChromium, openLive } from './support/browser';
import { ARTIFACTS_DIR, WebPipeline } from './support/web-pipeline';

const count = (value: number) => new Intl.NumberFormat('en-US').format(value);

describe('issue 12: the dashboard in a real browser on a lake on S3 (real Versity S3 Gateway)', () => {
  const storage = testS3LakeStorage('web-e2e');
  let pipeline: WebPipeline;
  let url: string;
  let context: BrowserContext;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    ({ context, close: closeBrowser } = await launchChromium());
    pipeline = await WebPipeline.create({ s3: storage });
    await pipeline.startNormalizer();
    const ingest = await pipeline.startIngest('usgs-earthquakes?feed=all_day&intervalMs=3600000'); // one poll
    await eventually(() => pipeline.earthquakes(), (quakes) => quakes.rows > 0, 'the first poll is curated on S3');
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // any second file of the same poll
    await ingest.stop();
    ({ url } = await pipeline.startWeb('web-s3'));
  });

  afterAll(async () => {
    await closeBrowser?.();
    await pipeline?.close();
  });

  it('renders the numbers the curated table on S3 holds', async () => {
    const quakes = await pipeline.earthquakes();
    expect(quakes.rows).toBeGreaterThan(0);
    const page = await openLive(context, `${url}/earthquakes?window=all`);
    await expect(page.getByTestId('eq-events').textContent()).resolves.toBe(count(quakes.events));
    await expect(page.getByTestId('eq-versions').textContent()).resolves.toBe(count(quakes.rows));
    await expect(page.getByTestId('eq-max-magnitude').textContent()).resolves.toBe(quakes.maxMagnitude?.toFixed(1));
    expect(await page.getByTestId('eq-row').count()).toBe(Math.min(25, quakes.events));
    expect(await page.getByTestId('widget-warnings').count()).toBe(0);
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'earthquakes-on-s3.png'), fullPage: true });
    await page.close();
  });

  it('shows the raw objects on S3 on the overview: the ingest stage counts the rows and files ingest announced', async () => {
    const raw = await pipeline.rawReferences();
    expect(raw.length).toBeGreaterThan(0);
    for (const ref of raw) expect(ref.uri.startsWith(`${storage.root}/raw/usgs-earthquakes/`)).toBe(true);
    const page = await openLive(context, `${url}/`);
    const ingest = page.getByTestId('stage-ingest-usgs-earthquakes');
    await expect(ingest.getByTestId('stage-total-records').textContent()).resolves.toBe(count(raw.reduce((total, ref) => total + ref.rows, 0)));
    await expect(ingest.getByTestId('stage-total-files').textContent()).resolves.toBe(count(raw.length));
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'overview-on-s3.png'), fullPage: true });
    await page.close();
  });

  it('keeps every raw and curated file on S3: the catalog lists s3:// objects, the local lake folder holds no file', async () => {
    const files = await pipeline.earthquakeFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file.path.startsWith(`${storage.root}/curated/`)).toBe(true);
    const local = await readdir(pipeline.lakeDir, { recursive: true, withFileTypes: true }).catch(() => []);
    expect(local.filter((entry) => entry.isFile() && !entry.parentPath.includes('quarantine')).map((entry) => join(entry.parentPath, entry.name))).toEqual([]);
  });
});
