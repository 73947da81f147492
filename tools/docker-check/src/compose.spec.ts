/**
 * Static checks of docker/compose.yaml against the repository: no Docker engine needed. Each test
 * pins one way the file can drift from the code (a renamed setting, a moved bundle, a lost volume).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as schema from '@fluxo/schema';
import { INGEST_SETTINGS, loadIngestConfig, loadNormalizerConfig, NORMALIZER_SETTINGS, type EnvSetting } from '@fluxo/schema';
import { dependencyCondition, namedVolumeMounts, parseCompose, serviceEnv, type ComposeService } from './compose-file';
import { declaredArgs, parseDockerfile } from './dockerfile';
import { DOCKER_DIR, readRepoFile, readRepoJson, REPO_ROOT } from './repo-files';

const compose = parseCompose(readRepoFile('docker', 'compose.yaml'));
const services = Object.entries(compose.services);
/** Services built from this repository (the Node apps), as opposed to pulled images. */
const appServices = services.filter(([, service]) => service.build !== undefined);
/** The Kafka clients among them: everything built from apps/ (replay-api is a tool, no Kafka). */
const pipelineApps = appServices.filter(([, service]) => appOf(service).startsWith('apps/'));

interface ProjectJson {
  name: string;
  targets?: Record<string, { options?: { outputPath?: string; assets?: { input: string; output: string }[] } }>;
}

const KRAFT_ENV: Readonly<Record<string, string | null>> = {
  KAFKA_NODE_ID: null,
  KAFKA_PROCESS_ROLES: 'broker,controller',
  KAFKA_LISTENERS: null,
  KAFKA_ADVERTISED_LISTENERS: null,
  KAFKA_CONTROLLER_LISTENER_NAMES: null,
  KAFKA_CONTROLLER_QUORUM_VOTERS: null,
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: null,
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
  KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
  KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
  KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
};

function isSettingsList(value: unknown): value is readonly EnvSetting[] {
  return Array.isArray(value) && value.every((item: unknown) => typeof item === 'object' && item !== null && typeof (item as { env?: unknown }).env === 'string');
}

/** Every setting any app declares (`*_SETTINGS` exports), for services without a list of their own yet. */
const ALL_SETTINGS: readonly EnvSetting[] = Object.entries(schema)
  .filter(([name]) => name.endsWith('_SETTINGS'))
  .flatMap(([, value]: [string, unknown]): readonly EnvSetting[] => (isSettingsList(value) ? value : []));

const SETTINGS_BY_APP: Readonly<Record<string, readonly EnvSetting[]>> = {
  'apps/ingest': INGEST_SETTINGS,
  'apps/normalizer': NORMALIZER_SETTINGS,
};

function appOf(service: ComposeService): string {
  return service.build?.args?.['APP'] ?? '';
}

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker/compose.yaml has no service "${name}"`);
  return found;
}

/** `host:port` of each broker a client service is configured with. */
function brokersOf(svc: ComposeService): { host: string; port: number }[] {
  return (serviceEnv(svc)['FLUXO_KAFKA_BROKERS'] ?? '')
    .split(',')
    .filter((broker) => broker !== '')
    .map((broker) => {
      const [host = '', port = ''] = broker.split(':');
      return { host, port: Number(port) };
    });
}

function listeners(value: string): Map<string, { host: string; port: number }> {
  return new Map(
    value.split(',').map((entry) => {
      const match = /^(\w+):\/\/([^:]*):(\d+)$/.exec(entry.trim());
      if (match?.[1] === undefined) throw new Error(`unreadable listener "${entry}"`);
      return [match[1], { host: match[2] ?? '', port: Number(match[3]) }];
    }),
  );
}

describe('docker/compose.yaml', () => {
  it('declares the pipeline services', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['kafka', 'replay-api', 'ingest', 'normalizer']));
  });

  it.each(pipelineApps)('starts %s only once every broker it is configured with is healthy', (_name, svc) => {
    const brokers = brokersOf(svc);
    expect(brokers.length).toBeGreaterThan(0);
    expect(Object.fromEntries(brokers.map(({ host }) => [host, dependencyCondition(svc, host)]))).toEqual(Object.fromEntries(brokers.map(({ host }) => [host, 'service_healthy'])));
  });

  it('starts the single-machine apps only once kafka is healthy', () => {
    const single = pipelineApps.filter(([, svc]) => !(svc.profiles ?? []).includes('scale'));
    expect(single.map(([name]) => name)).toEqual(expect.arrayContaining(['ingest', 'normalizer']));
    for (const [name, svc] of single) expect({ [name]: dependencyCondition(svc, 'kafka') }).toEqual({ [name]: 'service_healthy' });
  });

  describe.each(appServices)('service %s', (_name, svc) => {
    it('builds from the repository root with docker/Dockerfile and an APP that is an Nx project with a build target', () => {
      const context = resolve(DOCKER_DIR, svc.build?.context ?? '.');
      expect(context).toBe(REPO_ROOT);
      const dockerfile = join(context, svc.build?.dockerfile ?? 'Dockerfile');
      expect(existsSync(dockerfile)).toBe(true);
      const app = appOf(svc);
      expect(existsSync(join(REPO_ROOT, app, 'project.json'))).toBe(true);
      const project = readRepoJson<ProjectJson>(app, 'project.json');
      // The Dockerfile copies dist/<APP>/ and runs main.cjs from it.
      expect(project.targets?.['build']?.options?.outputPath).toBe(`dist/${app}`);
    });

    it('passes only build args the Dockerfile declares', () => {
      const args = declaredArgs(parseDockerfile(readRepoFile(svc.build?.dockerfile ?? 'Dockerfile')));
      expect(Object.keys(svc.build?.args ?? {}).filter((arg) => !args.has(arg))).toEqual([]);
    });

    it('sets only FLUXO_* variables that are real settings of the app', () => {
      const settings = SETTINGS_BY_APP[appOf(svc)] ?? ALL_SETTINGS;
      const known = new Set(settings.map((setting) => setting.env));
      const unknown = Object.keys(svc.environment ?? {}).filter((key) => key.startsWith('FLUXO_') && !known.has(key));
      expect(unknown).toEqual([]);
    });

    it('keeps the lake and state directories on named volumes', () => {
      const env = serviceEnv(svc);
      const targets = namedVolumeMounts(svc).map((mount) => mount.target);
      for (const key of ['FLUXO_LAKE_DIR', 'FLUXO_STATE_DIR']) {
        if (env[key] !== undefined) expect({ [key]: targets.includes(env[key]) }).toEqual({ [key]: true });
      }
    });

    it('points FLUXO_KAFKA_BROKERS at listeners the brokers advertise to containers', () => {
      const brokers = brokersOf(svc);
      const advertisedBy = (host: string): string[] =>
        [...listeners(serviceEnv(service(host))['KAFKA_ADVERTISED_LISTENERS'] ?? '').values()].map((l) => `${l.host}:${l.port}`);
      expect(brokers.map((b) => `${b.host}:${b.port}`).filter((broker, i) => !advertisedBy(brokers[i]?.host ?? '').includes(broker))).toEqual([]);
    });
  });

  it('gives ingest and normalizer a configuration their own loaders accept (file defaults, empty host env)', () => {
    const ingest = loadIngestConfig(serviceEnv(service('ingest')));
    expect(ingest.sourceBaseUrl).toBe('http://replay-api:8787');
    expect(ingest.lakeDir).toBe(serviceEnv(service('normalizer'))['FLUXO_LAKE_DIR']);
    expect(loadNormalizerConfig(serviceEnv(service('normalizer'))).lakeDir).toBe('/data/lake');
  });

  it('switches ingest to the live APIs when the host sets FLUXO_SOURCE_BASE_URL to empty', () => {
    expect(loadIngestConfig(serviceEnv(service('ingest'), { FLUXO_SOURCE_BASE_URL: '' })).sourceBaseUrl).toBeUndefined();
  });

  it("keeps the normalizer's SQLite table catalog on a named volume", () => {
    const normalizer = service('normalizer');
    const catalog = loadNormalizerConfig(serviceEnv(normalizer)).catalog;
    expect(catalog).toMatch(/^sqlite:\//);
    const dir = catalog.slice('sqlite:'.length).replace(/\/[^/]+$/, '');
    expect(namedVolumeMounts(normalizer).map((mount) => mount.target)).toContain(dir);
  });

  it('shares one lake volume between ingest and normalizer', () => {
    const lakeVolume = (name: string): string | undefined => {
      const svc = service(name);
      return namedVolumeMounts(svc).find((mount) => mount.target === serviceEnv(svc)['FLUXO_LAKE_DIR'])?.source;
    };
    expect(lakeVolume('ingest')).toBeDefined();
    expect(lakeVolume('ingest')).toBe(lakeVolume('normalizer'));
  });

  it('declares every named volume it mounts, and mounts every volume it declares', () => {
    const used = new Set(services.flatMap(([, svc]) => namedVolumeMounts(svc).map((mount) => mount.source)));
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    expect([...used].filter((volume) => !declared.has(volume))).toEqual([]);
    expect([...declared].filter((volume) => !used.has(volume))).toEqual([]);
  });

  it('serves the replay API where ingest looks for it, with fixtures the bundle ships', () => {
    const replay = service('replay-api');
    const command = Array.isArray(replay.command) ? replay.command : [];
    const flag = (name: string): string | undefined => command[command.indexOf(name) + 1];
    expect(dependencyCondition(service('ingest'), 'replay-api')).toBe('service_healthy');
    expect(replay.healthcheck?.test).toBeDefined();
    expect(flag('--host')).toBe('0.0.0.0');
    expect(loadIngestConfig(serviceEnv(service('ingest'))).sourceBaseUrl).toBe(`http://replay-api:${flag('--port')}`);
    // /app is dist/tools/replay-api; the build copies the fixtures there as an asset.
    const fixturesDir = flag('--fixtures-dir') ?? '/app/fixtures';
    const assets = readRepoJson<ProjectJson>(appOf(replay), 'project.json').targets?.['build']?.options?.assets ?? [];
    const asset = assets.find((a) => `/app/${a.output}` === fixturesDir);
    expect(asset).toBeDefined();
    expect(existsSync(join(REPO_ROOT, asset?.input ?? '-', 'MANIFEST.json'))).toBe(true);
  });

  describe('kafka', () => {
    const kafka = service('kafka');
    const env = serviceEnv(kafka);

    it('runs the official apache/kafka image, version 4.x', () => {
      expect(kafka.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    });

    it('sets the complete single-node KRaft environment', () => {
      const problems = Object.entries(KRAFT_ENV).flatMap(([key, expected]) => {
        const value = env[key];
        if (value === undefined || value === '') return [`${key} missing`];
        return expected !== null && value !== expected ? [`${key}=${value}, expected ${expected}`] : [];
      });
      expect(problems).toEqual([]);
    });

    it('has a controller listener that matches the quorum voter', () => {
      const bound = listeners(env['KAFKA_LISTENERS'] ?? '');
      const controller = bound.get(env['KAFKA_CONTROLLER_LISTENER_NAMES'] ?? '');
      expect(controller).toBeDefined();
      expect(env['KAFKA_CONTROLLER_QUORUM_VOTERS']).toBe(`${env['KAFKA_NODE_ID']}@kafka:${controller?.port}`);
      const protocols = (env['KAFKA_LISTENER_SECURITY_PROTOCOL_MAP'] ?? '').split(',').map((entry) => entry.split(':')[0]);
      expect([...bound.keys()].filter((name) => !protocols.includes(name))).toEqual([]);
    });

    it('keeps its log dirs on a named volume and has a healthcheck', () => {
      expect(namedVolumeMounts(kafka).map((mount) => mount.target)).toContain(env['KAFKA_LOG_DIRS']);
      expect(JSON.stringify(kafka.healthcheck?.test)).toContain('kafka-broker-api-versions.sh');
    });
  });
});
