/**
 * Static checks of docker/compose.yaml's profile "scale" (docs/outgrowing-one-machine.md): a 3-node
 * KRaft cluster, PostgreSQL for the table catalog, S3 object storage for the lake and a Spark Connect
 * server, with the pipeline apps configured against them. No Docker engine here: each test pins one
 * way the services and the apps' settings can disagree (a broker missing from a voter list, a
 * password or bucket that differs between two services, a Spark port nobody listens on).
 */
import { parseCatalogLocation } from '@fluxo/lakehouse';
import * as schema from '@fluxo/schema';
import { loadIngestConfig, loadNormalizerConfig, loadStreamIngestConfig } from '@fluxo/schema';
import { dependencyCondition, namedVolumeMounts, parseCompose, serviceEnv, type ComposeService } from './compose-file';
import { readRepoFile, readRepoJson } from './repo-files';

const compose = parseCompose(readRepoFile('docker', 'compose.yaml'));
const inScale = (svc: ComposeService): boolean => (svc.profiles ?? []).includes('scale');
const scaleServices = Object.entries(compose.services).filter(([, svc]) => inScale(svc));
const scaleApps = scaleServices.filter(([, svc]) => (svc.build?.args?.['APP'] ?? '').startsWith('apps/'));
const brokers = scaleServices.filter(([, svc]) => (svc.image ?? '').startsWith('apache/kafka:'));

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker/compose.yaml has no service "${name}"`);
  return found;
}

function appService(project: string): ComposeService {
  const found = scaleApps.find(([, svc]) => svc.build?.args?.['APP'] === `apps/${project}`);
  if (found === undefined) throw new Error(`profile "scale" runs no apps/${project}`);
  return found[1];
}

function commandOf(svc: ComposeService): string[] {
  return Array.isArray(svc.command) ? svc.command : [];
}

/** `--conf key=value` entries of a spark-submit style command line. */
function sparkConf(svc: ComposeService): Map<string, string> {
  const command = commandOf(svc);
  return new Map(
    command.flatMap((arg, i) => {
      if (command[i - 1] !== '--conf') return [];
      const equals = arg.indexOf('=');
      return [[arg.slice(0, equals), arg.slice(equals + 1)] as [string, string]];
    }),
  );
}

/** `key=value` pairs of a libpq connection string. */
function libpq(connection: string): Map<string, string> {
  return new Map(
    connection
      .split(/\s+/)
      .filter((pair) => pair !== '')
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as [string, string]),
  );
}

function portOf(address: string): number {
  return Number(/:(\d+)$/.exec(address)?.[1] ?? Number.NaN);
}

describe('docker/compose.yaml profile "scale"', () => {
  it('holds the cluster services and the pipeline apps configured against them', () => {
    expect(scaleServices.map(([name]) => name).sort()).toEqual(
      ['kafka-1', 'kafka-2', 'kafka-3', 'postgres', 's3', 's3-bucket', 'scale-ingest', 'scale-normalizer', 'scale-stream-ingest'].sort(),
    );
  });

  it('leaves `docker compose up` without a profile as it was: no single-machine service is in the profile', () => {
    for (const name of ['kafka', 'replay-api', 'ingest', 'normalizer']) expect({ [name]: service(name).profiles ?? [] }).toEqual({ [name]: [] });
    // The apps of the profile depend only on services the profile starts, or on profile-less ones it shares (the replay server).
    for (const [name, svc] of scaleApps) {
      const deps = Object.keys(svc.depends_on ?? {});
      expect({ [name]: deps.filter((dep) => !inScale(service(dep)) && dep !== 'replay-api') }).toEqual({ [name]: [] });
    }
  });

  describe('the Kafka cluster', () => {
    const envs = brokers.map(([name, svc]) => ({ name, svc, env: serviceEnv(svc) }));

    it('has three KRaft nodes of the official apache/kafka 4.x image the single-machine broker runs', () => {
      expect(brokers).toHaveLength(3);
      for (const { name, svc, env } of envs) {
        expect({ [name]: svc.image }).toEqual({ [name]: service('kafka').image });
        expect({ [name]: env['KAFKA_PROCESS_ROLES'] }).toEqual({ [name]: 'broker,controller' });
      }
      expect(new Set(envs.map(({ env }) => env['KAFKA_NODE_ID'])).size).toBe(3);
      expect(new Set(envs.map(({ env }) => env['CLUSTER_ID'])).size).toBe(1);
    });

    it('lists every node, by its id and controller listener, as a quorum voter on every node', () => {
      const voters = envs
        .map(({ name, env }) => {
          const controllerName = env['KAFKA_CONTROLLER_LISTENER_NAMES'] ?? '';
          const bound = (env['KAFKA_LISTENERS'] ?? '').split(',').find((listener) => listener.startsWith(`${controllerName}://`)) ?? '';
          return `${env['KAFKA_NODE_ID']}@${name}:${portOf(bound)}`;
        })
        .sort();
      for (const { name, env } of envs) expect({ [name]: (env['KAFKA_CONTROLLER_QUORUM_VOTERS'] ?? '').split(',').sort() }).toEqual({ [name]: voters });
    });

    it('advertises each node under its own service name on a port it binds', () => {
      for (const { name, env } of envs) {
        const bound = new Map((env['KAFKA_LISTENERS'] ?? '').split(',').map((listener) => [listener.split('://')[0], portOf(listener)]));
        const advertised = (env['KAFKA_ADVERTISED_LISTENERS'] ?? '').split(',').map((listener) => {
          const [listenerName = '', address = ''] = listener.split('://');
          return { listenerName, host: address.split(':')[0], port: portOf(address) };
        });
        expect(advertised.length).toBeGreaterThan(0);
        for (const listener of advertised) expect({ [name]: listener }).toEqual({ [name]: { listenerName: listener.listenerName, host: name, port: bound.get(listener.listenerName) } });
      }
    });

    it('replicates every topic, fluxo topics and internal ones, to all nodes and needs a majority in sync', () => {
      const expected = {
        KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_MIN_INSYNC_REPLICAS: '2',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '2',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      };
      for (const { name, env } of envs) expect({ [name]: Object.fromEntries(Object.keys(expected).map((key) => [key, env[key]])) }).toEqual({ [name]: expected });
    });

    it('keeps each node on its own named volume, with a healthcheck', () => {
      const volumes = envs.map(({ svc, env }) => namedVolumeMounts(svc).find((mount) => mount.target === env['KAFKA_LOG_DIRS'])?.source);
      expect(volumes.every((volume) => volume !== undefined)).toBe(true);
      expect(new Set(volumes).size).toBe(3);
      for (const { svc } of envs) expect(JSON.stringify(svc.healthcheck?.test)).toContain('kafka-broker-api-versions.sh');
    });

    it.each(scaleApps)('%s talks to all three brokers', (_name, svc) => {
      expect((serviceEnv(svc)['FLUXO_KAFKA_BROKERS'] ?? '').split(',').map((broker) => broker.split(':')[0]).sort()).toEqual(brokers.map(([name]) => name).sort());
    });
  });

  describe('the lake on S3', () => {
    const s3 = service('s3');
    const s3Env = serviceEnv(s3);

    it('runs the Versity S3 Gateway image on a posix volume, with a health endpoint its healthcheck asks', () => {
      expect(s3.image).toMatch(/^versity\/versitygw:v\d+\.\d+\.\d+$/);
      expect(s3Env['VGW_BACKEND']).toBe('posix');
      expect(namedVolumeMounts(s3).map((mount) => mount.target)).toContain(s3Env['VGW_BACKEND_ARG']);
      expect(JSON.stringify(s3.healthcheck?.test)).toContain(`:${portOf(s3Env['VGW_PORT'] ?? '')}${s3Env['VGW_HEALTH']}`);
    });

    it.each(scaleApps)('%s writes the lake to the s3 service with its credentials, and waits for the bucket', (_name, svc) => {
      const env = serviceEnv(svc);
      expect(env['FLUXO_LAKE_ROOT']).toMatch(/^s3:\/\/[a-z0-9.-]+\/\S+$/);
      expect(env['FLUXO_LAKE_ROOT']).toBe(serviceEnv(appService('ingest'))['FLUXO_LAKE_ROOT']);
      expect(env['FLUXO_LAKE_DIR']).toBeUndefined();
      expect(env['FLUXO_S3_ENDPOINT']).toBe(`http://s3:${portOf(s3Env['VGW_PORT'] ?? '')}`);
      expect(env['FLUXO_S3_URL_STYLE']).toBe('path');
      expect(env['FLUXO_S3_REGION']).toMatch(/^[a-z]+-[a-z]+-\d$/);
      expect([env['AWS_ACCESS_KEY_ID'], env['AWS_SECRET_ACCESS_KEY']]).toEqual([s3Env['ROOT_ACCESS_KEY'], s3Env['ROOT_SECRET_KEY']]);
      expect(dependencyCondition(svc, 's3-bucket')).toBe('service_completed_successfully');
    });

    it("creates the lake root's bucket on that endpoint with the same credentials", () => {
      const bucketJob = service('s3-bucket');
      const env = serviceEnv(bucketJob);
      const lake = serviceEnv(appService('normalizer'));
      const bucket = /^s3:\/\/([^/]+)\//.exec(lake['FLUXO_LAKE_ROOT'] ?? '')?.[1];
      const script = commandOf(bucketJob).join(' ');
      expect(script).toContain(`--endpoint-url ${lake['FLUXO_S3_ENDPOINT']} s3 mb s3://${bucket}`);
      expect([env['AWS_ACCESS_KEY_ID'], env['AWS_SECRET_ACCESS_KEY']]).toEqual([s3Env['ROOT_ACCESS_KEY'], s3Env['ROOT_SECRET_KEY']]);
      expect(dependencyCondition(bucketJob, 's3')).toBe('service_healthy');
    });
  });

  describe('the normalizers', () => {
    const normalizer = appService('normalizer');
    const env = serviceEnv(normalizer);
    const config = loadNormalizerConfig(env);

    it('run as several replicas in one consumer group, with more partitions than replicas', () => {
      const replicas = (normalizer as ComposeService & { deploy?: { replicas?: number } }).deploy?.replicas ?? 1;
      expect(replicas).toBeGreaterThanOrEqual(2);
      expect(config.topicPartitions).toBeGreaterThanOrEqual(replicas);
      expect(env['FLUXO_NORMALIZER_GROUP']).toBe(config.groupId);
    });

    it('commit through the PostgreSQL catalog of the postgres service, as its user, with its password', () => {
      const location = parseCatalogLocation(config.catalog);
      expect(location.kind).toBe('postgres');
      const params = libpq(location.kind === 'postgres' ? location.connection : '');
      const postgres = serviceEnv(service('postgres'));
      expect(service('postgres').image).toMatch(/^postgres:\d+$/);
      expect({ host: params.get('host'), dbname: params.get('dbname'), user: params.get('user'), password: env['PGPASSWORD'] }).toEqual({
        host: 'postgres',
        dbname: postgres['POSTGRES_DB'],
        user: postgres['POSTGRES_USER'],
        password: postgres['POSTGRES_PASSWORD'],
      });
      expect(dependencyCondition(normalizer, 'postgres')).toBe('service_healthy');
    });

    it('map rows with DuckDB, not Spark: the Spark engine refuses a lake on S3 (decision 0008 part 4)', () => {
      expect(config.engine).toBe('duckdb');
      expect(config.sparkRemote).toBeUndefined();
      expect(dependencyCondition(normalizer, 'spark-connect')).toBeUndefined();
      expect(service('spark-connect').profiles).toEqual(['spark']);
    });
  });

  describe('the Spark Connect server', () => {
    const spark = service('spark-connect');
    const conf = sparkConf(spark);
    const lake = serviceEnv(appService('normalizer'));

    it('runs the official apache/spark image of the Spark version whose protocol libs/spark-connect vendors', () => {
      const vendored = readRepoJson<{ sparkVersion: string }>('libs', 'spark-connect', 'proto', 'PROVENANCE.json').sparkVersion;
      expect(spark.image).toBe(`apache/spark:${vendored}`);
      expect(commandOf(spark)[0]).toBe('/opt/spark/sbin/start-connect-server.sh');
      expect(serviceEnv(spark)['SPARK_NO_DAEMONIZE']).toBe('true');
    });

    it('reads and writes the lake on the same S3 endpoint, path style, with the same credentials and UTC sessions', () => {
      expect(conf.get('spark.hadoop.fs.s3a.endpoint')).toBe(lake['FLUXO_S3_ENDPOINT']);
      expect(conf.get('spark.hadoop.fs.s3a.path.style.access')).toBe(String(lake['FLUXO_S3_URL_STYLE'] === 'path'));
      expect(conf.get('spark.hadoop.fs.s3a.endpoint.region')).toBe(lake['FLUXO_S3_REGION']);
      expect(conf.get('spark.sql.session.timeZone')).toBe('UTC');
      const sparkEnv = serviceEnv(spark);
      expect([sparkEnv['AWS_ACCESS_KEY_ID'], sparkEnv['AWS_SECRET_ACCESS_KEY']]).toEqual([lake['AWS_ACCESS_KEY_ID'], lake['AWS_SECRET_ACCESS_KEY']]);
      const packages = commandOf(spark)[commandOf(spark).indexOf('--packages') + 1] ?? '';
      expect(packages).toMatch(/^org\.apache\.hadoop:hadoop-aws:3\.\d+\.\d+$/);
    });
  });

  it('gives the producers configurations their own loaders accept', () => {
    expect(loadIngestConfig(serviceEnv(appService('ingest'))).sourceBaseUrl).toBe('http://replay-api:8787');
    expect(loadStreamIngestConfig(serviceEnv(appService('stream-ingest'))).streams).toEqual(['wikimedia-recentchange']);
  });

  it('is described by docs/outgrowing-one-machine.md, which names only real settings and every one the profile sets', () => {
    const guide = readRepoFile('docs', 'outgrowing-one-machine.md');
    const real = new Set(
      Object.entries(schema)
        .filter(([name, value]) => name.endsWith('_SETTINGS') && Array.isArray(value))
        .flatMap(([, value]) => (value as { env?: unknown }[]).map((setting) => String(setting.env))),
    );
    const named = new Set(guide.match(/\b(?:FLUXO|AWS)_[A-Z0-9_]+\b|\bPGPASSWORD\b/g) ?? []);
    const external = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'PGPASSWORD']);
    expect([...named].filter((name) => !real.has(name) && !external.has(name))).toEqual([]);
    const set = new Set(scaleApps.flatMap(([, svc]) => Object.keys(svc.environment ?? {})).filter((name) => name.startsWith('FLUXO_') || name.startsWith('AWS_') || name === 'PGPASSWORD'));
    const generic = new Set(['FLUXO_LOG_LEVEL', 'FLUXO_METRICS_HOST', 'FLUXO_METRICS_PORT', 'FLUXO_SOURCES', 'FLUXO_SOURCE_BASE_URL', 'FLUXO_STATE_DIR', 'FLUXO_STREAMS']);
    expect([...set].filter((name) => !generic.has(name) && !named.has(name))).toEqual([]);
  });
});
