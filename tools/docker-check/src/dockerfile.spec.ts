/**
 * Static checks of docker/Dockerfile and its ignore file against the repository. They catch what
 * would otherwise only fail inside `docker build` on someone else's machine.
 */
import { existsSync } from 'node:fs';
import { globalArgDefaults, parseDockerfile, splitFlags, substituteArgs, type Instruction, type Stage } from './dockerfile';
import { expandSource, isIgnored, readIgnorePatterns, readRepoFile, readRepoJson, repoPath } from './repo-files';

const dockerfile = parseDockerfile(readRepoFile('docker', 'Dockerfile'));
const ignorePatterns = readIgnorePatterns(readRepoFile('docker', 'Dockerfile.dockerignore'));
const stageNames = dockerfile.stages.map((stage) => stage.name);
const runtime = dockerfile.stages.at(-1);

function all(keyword: string, stage?: Stage): Instruction[] {
  return (stage === undefined ? dockerfile.stages.flatMap((s) => s.instructions) : stage.instructions).filter((i) => i.keyword === keyword);
}

/** COPY instructions reading the build context, with their source paths (the last word is the destination). */
const contextCopies = all('COPY')
  .map((instruction) => ({ instruction, ...splitFlags(instruction.args) }))
  .filter(({ flags }) => flags['from'] === undefined)
  .map(({ instruction, positional }) => ({ line: instruction.line, sources: positional.slice(0, -1) }));

/** The image a stage finally starts from, following `FROM <earlier stage>` and global ARG defaults. */
function baseImage(stage: Stage): string {
  const image = substituteArgs(stage.from, globalArgDefaults(dockerfile));
  const parent = dockerfile.stages.find((s) => s.name === image);
  return parent === undefined || parent === stage ? image : baseImage(parent);
}

describe('docker/Dockerfile', () => {
  it('has a build stage and a runtime stage', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime).toBeDefined();
  });

  it.each(dockerfile.stages.map((stage) => [stage.name, stage] as const))(
    'stage %s starts from a Debian (glibc) Node 20 image, not alpine: @duckdb/node-bindings ships a glibc binary',
    (_name, stage) => {
      const image = baseImage(stage);
      expect(image).not.toMatch(/alpine|musl/);
      expect(image).toMatch(/^node:20(\.\d+){0,2}-(bookworm|trixie)(-slim)?$/);
    },
  );

  it('copies only context paths that exist', () => {
    const missing = contextCopies.flatMap(({ line, sources }) =>
      sources.filter((source) => source !== '.' && expandSource(source).length === 0).map((source) => `line ${line}: ${source}`),
    );
    expect(contextCopies.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('copies only context paths the ignore file lets through', () => {
    const blocked = contextCopies.flatMap(({ sources }) => sources.filter((s) => s !== '.').flatMap(expandSource).filter((path) => isIgnored(path, ignorePatterns)));
    expect(blocked).toEqual([]);
  });

  it('copies every npm workspace manifest and the lockfile before `npm ci` (or `npm ci` fails)', () => {
    const copied = new Set(contextCopies.flatMap(({ sources }) => sources.flatMap(expandSource)));
    const { workspaces } = readRepoJson<{ workspaces: string[] }>('package.json');
    const manifests = workspaces.flatMap((glob) => expandSource(`${glob}/package.json`));
    expect(manifests.length).toBeGreaterThan(0);
    expect(['package.json', 'package-lock.json', ...manifests].filter((path) => !copied.has(path))).toEqual([]);
  });

  it('takes COPY --from only from earlier stages', () => {
    const problems = dockerfile.stages.flatMap((stage, index) =>
      all('COPY', stage)
        .map((instruction) => splitFlags(instruction.args).flags['from'])
        .filter((from): from is string => from !== undefined && !stageNames.slice(0, index).includes(from)),
    );
    expect(problems).toEqual([]);
  });

  it('gives the runtime production dependencies only', () => {
    const prodStages = dockerfile.stages.filter((stage) => all('RUN', stage).some((run) => /npm ci\b.*--omit=dev/.test(run.args)));
    const modulesFrom = all('COPY', runtime)
      .filter((copy) => /node_modules/.test(copy.args))
      .map((copy) => splitFlags(copy.args).flags['from']);
    expect(modulesFrom.length).toBe(1);
    expect(prodStages.map((stage) => stage.name)).toContain(modulesFrom[0]);
  });

  it('runs as the unprivileged node user, in production mode, under an init process', () => {
    expect(all('USER', runtime).at(-1)?.args).toBe('node');
    expect(all('ENV', runtime).map((env) => env.args).join(' ')).toMatch(/\bNODE_ENV=production\b/);
    expect(all('ENTRYPOINT', runtime).at(-1)?.args).toMatch(/tini/);
    expect(all('CMD', runtime).at(-1)?.args).toBe('["node", "main.cjs"]');
  });

  it('ships the DuckDB extensions of the curated tables and points the apps at them', () => {
    const install = dockerfile.stages.find((stage) => all('RUN', stage).some((run) => run.args.includes('tools/duckdb-extensions/extensions.mjs')));
    expect(install?.name).toBeDefined();
    const copied = all('COPY', runtime).find((copy) => splitFlags(copy.args).flags['from'] === install?.name);
    const target = copied?.args.trim().split(/\s+/).at(-1);
    expect(target).toBeDefined();
    expect(all('ENV', runtime).map((env) => env.args).join(' ')).toContain(`FLUXO_DUCKDB_EXTENSION_DIR=${target ?? ''}`);
  });

  it('builds the project named by APP with Nx and checks the bundle exists', () => {
    const build = all('RUN').map((run) => run.args).find((args) => args.includes('nx run'));
    expect(build).toMatch(/\$APP\/project\.json/);
    expect(build).toMatch(/dist\/\$APP\/main\.cjs/);
    expect(all('COPY', runtime).map((copy) => copy.args)).toContain('--from=build /repo/dist/${APP}/ ./');
  });
});

describe('docker/Dockerfile.dockerignore', () => {
  it('sits next to the Dockerfile, where BuildKit looks for <Dockerfile>.dockerignore', () => {
    expect(existsSync(repoPath('docker', 'Dockerfile.dockerignore'))).toBe(true);
  });

  it.each(['node_modules', 'apps/ingest/node_modules', 'dist', 'dist/apps/ingest/main.cjs', '.nx', '.git', 'test-artifacts', '.fluxo', '.env'])(
    'keeps %s out of the build context (host binaries and build output must not leak in)',
    (path) => {
      expect(isIgnored(path, ignorePatterns)).toBe(true);
    },
  );

  it.each(['apps/ingest/src/main.ts', 'tools/replay-api/fixtures/MANIFEST.json', 'libs/schema/src/index.ts', 'nx.json', 'tsconfig.base.json'])(
    'lets %s through (the build needs it)',
    (path) => {
      expect(isIgnored(path, ignorePatterns)).toBe(false);
    },
  );
});
