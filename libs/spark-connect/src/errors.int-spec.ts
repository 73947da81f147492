import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { silentLogger } from '@fluxo/schema';
import { connectSparkSession, parseRemote, SparkConnectError, type SparkSession } from './index';
import { testSparkRemote } from './testing';

let spark: SparkSession;

beforeAll(async () => {
  spark = await connectSparkSession({ remote: testSparkRemote(), logger: silentLogger });
});

afterAll(async () => {
  await spark.close();
});

async function failure(promise: Promise<unknown>): Promise<SparkConnectError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SparkConnectError) return error;
    throw error;
  }
  throw new Error('expected a SparkConnectError');
}

/** The test server's remote with one parameter replaced. */
function remoteWith(changes: Record<string, string | undefined>): string {
  const remote = parseRemote(testSparkRemote());
  const params: Record<string, string | undefined> = { token: remote.token, use_ssl: String(remote.useSsl), ...changes };
  const text = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join(';');
  return `sc://${remote.host}:${remote.port}/;${text}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('errors with codes (real Spark Connect server)', () => {
  it("reports an analysis error with Spark's error class, SQL state and parameters", async () => {
    const error = await failure(spark.sql('SELECT * FROM fluxo_no_such_table'));
    expect(error).toMatchObject({
      code: 'QUERY_FAILED',
      retriable: false,
      grpcStatus: 'INTERNAL',
      errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
      sqlState: '42P01',
      messageParameters: { relationName: '`fluxo_no_such_table`' },
    });
    expect(error.operationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.errorId).toBeDefined();
    expect(error.message).toContain('TABLE_OR_VIEW_NOT_FOUND');
  });

  it('reports a syntax error and a failure while the job runs', async () => {
    expect(await failure(spark.sql('SELEC 1'))).toMatchObject({ code: 'QUERY_FAILED', errorClass: 'PARSE_SYNTAX_ERROR', sqlState: '42601' });
    expect(await failure(spark.sql('SELECT id / (id - 3) FROM range(5)'))).toMatchObject({ code: 'QUERY_FAILED', errorClass: 'DIVIDE_BY_ZERO', sqlState: '22012' });
  });

  it('keeps the session usable after a failed statement', async () => {
    await failure(spark.sql('SELECT * FROM fluxo_no_such_table'));
    expect((await spark.sql('SELECT 41 + 1 AS answer')).table.get(0)?.toJSON()).toEqual({ answer: 42 });
  });

  it('refuses a wrong token with UNAUTHENTICATED, and a missing one', async () => {
    expect(parseRemote(testSparkRemote()).token).toBeDefined(); // the test server requires a token (tools/local-spark)
    expect(await failure(connectSparkSession({ remote: remoteWith({ token: 'not-the-token' }), logger: silentLogger }))).toMatchObject({ code: 'UNAUTHENTICATED', retriable: false });
    expect(await failure(connectSparkSession({ remote: remoteWith({ token: undefined }), logger: silentLogger }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('reports an unreachable server as retriable UNAVAILABLE', async () => {
    const error = await failure(connectSparkSession({ remote: `sc://127.0.0.1:${await freePort()}`, logger: silentLogger }));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retriable: true });
  });

  it('reports a released session as SESSION_LOST, and a closed one as CLOSED', async () => {
    const sessionId = randomUUID();
    const first = await connectSparkSession({ remote: remoteWith({ session_id: sessionId }), logger: silentLogger });
    await first.close();
    await first.close(); // idempotent
    expect(await failure(first.sql('SELECT 1'))).toMatchObject({ code: 'CLOSED' });
    expect(await failure(connectSparkSession({ remote: remoteWith({ session_id: sessionId }), logger: silentLogger }))).toMatchObject({
      code: 'SESSION_LOST',
      errorClass: 'INVALID_HANDLE.SESSION_CLOSED',
    });
  });
});
