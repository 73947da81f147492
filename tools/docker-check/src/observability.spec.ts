/**
 * Static checks of the observability setup (docs/observability.md): the compose healthchecks probe
 * each app's /readyz on the port it really serves, the Prometheus configurations scrape exactly
 * the apps on their metrics ports, and Prometheus's own `promtool` (Debian's `prometheus` package,
 * installed by .ci/run) accepts the configurations and the alerting rules and passes their unit tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_METRICS_PORTS, loadIngestConfig, loadNormalizerConfig, loadStreamIngestConfig } from '@fluxo/schema';
import { parseCompose, serviceEnv, type ComposeService } from './compose-file';
import { readRepoFile, repoPath, REPO_ROOT } from './repo-files';

const PROMTOOL = process.env['FLUXO_PROMTOOL'] ?? '/usr/bin/promtool';
const compose = parseCompose(readRepoFile('docker', 'compose.yaml'));
const pipelineApps = Object.entries(compose.services).filter(([, service]) => (service.build?.args?.['APP'] ?? '').startsWith('apps/'));
/** The single-machine stack Prometheus (profile "observability") scrapes; profile "scale" runs its apps as replicas. */
const singleMachineApps = pipelineApps.filter(([, service]) => !(service.profiles ?? []).includes('scale'));

/** The Nx project a service runs (`apps/normalizer` → `normalizer`). */
function projectOf(service: ComposeService): string {
  return (service.build?.args?.['APP'] ?? '').replace(/^apps\//, '');
}

interface PrometheusConfig {
  readonly rule_files?: string[];
  readonly scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}

function targetsOf(path: string[]): Map<string, string[]> {
  const config = parse(readRepoFile(...path)) as PrometheusConfig;
  return new Map(config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((c) => c.targets)]));
}

function promtool(...args: string[]): string {
  if (!existsSync(PROMTOOL)) throw new Error(`promtool is not installed at ${PROMTOOL}: apt-get install -y prometheus (or set FLUXO_PROMTOOL)`);
  return execFileSync(PROMTOOL, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function healthcheckCommand(service: ComposeService): string {
  return JSON.stringify(service.healthcheck?.test ?? '');
}

describe('observability in docker/compose.yaml', () => {
  it.each(pipelineApps)('%s: serves metrics on all its container interfaces, and its healthcheck asks /readyz on that port', (_service, service) => {
    const env = serviceEnv(service);
    const name = projectOf(service);
    const load = { ingest: loadIngestConfig, normalizer: loadNormalizerConfig, 'stream-ingest': loadStreamIngestConfig }[name];
    expect(load).toBeDefined();
    const config = load?.(env);
    expect(config?.metricsHost).toBe('0.0.0.0');
    expect(config?.metricsPort).toBe(DEFAULT_METRICS_PORTS[name as keyof typeof DEFAULT_METRICS_PORTS]);
    expect(healthcheckCommand(service)).toContain(`http://127.0.0.1:${config?.metricsPort}/readyz`);
  });

  it('has Prometheus (profile observability) scrape every pipeline app on its metrics port, with the example rules mounted where they are loaded', () => {
    const targets = targetsOf(['docker', 'prometheus.yml']);
    expect(singleMachineApps.map(([name]) => name)).toEqual(expect.arrayContaining(['ingest', 'normalizer', 'stream-ingest']));
    const expected = new Map(singleMachineApps.map(([name, service]) => [`fluxo-${name}`, [`${name}:${serviceEnv(service)['FLUXO_METRICS_PORT']}`]]));
    expect(targets).toEqual(expected);
    const prometheus = compose.services['prometheus'];
    expect(prometheus?.profiles).toEqual(['observability']);
    const config = parse(readRepoFile('docker', 'prometheus.yml')) as PrometheusConfig;
    const mounts = (prometheus?.volumes ?? []).map(String);
    for (const rules of config.rule_files ?? []) expect(mounts).toContain(`../docs/observability/alerts.yml:${rules}:ro`);
  });
});

describe('docs/observability', () => {
  it('prometheus.yml scrapes each app on loopback at its default metrics port', () => {
    const targets = targetsOf(['docs', 'observability', 'prometheus.yml']);
    expect(Object.fromEntries(targets)).toEqual(Object.fromEntries(Object.entries(DEFAULT_METRICS_PORTS).map(([app, port]) => [`fluxo-${app}`, [`127.0.0.1:${port}`]])));
  });

  it('promtool accepts the alerting rules and the configurations', () => {
    expect(promtool('check', 'rules', repoPath('docs', 'observability', 'alerts.yml'))).toMatch(/SUCCESS: \d+ rules found/);
    expect(promtool('check', 'config', repoPath('docs', 'observability', 'prometheus.yml'))).toMatch(/SUCCESS/);
    expect(promtool('check', 'config', '--syntax-only', repoPath('docker', 'prometheus.yml'))).toMatch(/SUCCESS/);
  });

  it('the alerting rules pass their promtool unit tests (when each alert fires)', () => {
    expect(promtool('test', 'rules', repoPath('docs', 'observability', 'alerts.test.yml'))).toMatch(/SUCCESS/);
  });
});
