import { silentLogger } from '@fluxo/schema';
import { connectSparkSession, parseRemote } from './index';
import { testSparkRemote } from './testing';
import { selfSignedCertificate, tlsTerminator, type Proxy } from './testing/proxies';

/**
 * TLS and bearer tokens as a remote cluster uses them: the client speaks TLS to a terminator (as a
 * gateway in front of a cluster would) that forwards to the real test server, which checks the token.
 */
describe('TLS and token auth (real Spark Connect server behind a TLS terminator)', () => {
  const certificate = selfSignedCertificate();
  const server = parseRemote(testSparkRemote());
  let proxy: Proxy;

  beforeAll(async () => {
    proxy = await tlsTerminator(server, certificate);
  });

  afterAll(async () => {
    await proxy.close();
  });

  const remote = (token: string) => `sc://localhost:${proxy.port}/;token=${encodeURIComponent(token)}`;

  it('runs SQL over TLS with the token as call credentials (a token implies use_ssl=true)', async () => {
    expect(server.token).toBeDefined();
    await using spark = await connectSparkSession({ remote: remote(server.token ?? ''), logger: silentLogger, tls: { rootCertificates: certificate.cert } });
    expect(spark.remote).toBe(`sc://localhost:${proxy.port}/;token=***;use_ssl=true`);
    expect((await spark.sql('SELECT 1 AS one')).table.get(0)?.toJSON()).toEqual({ one: 1 });
  });

  it('refuses an untrusted certificate (UNAVAILABLE) and a wrong token (UNAUTHENTICATED)', async () => {
    await expect(connectSparkSession({ remote: remote(server.token ?? ''), logger: silentLogger })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(connectSparkSession({ remote: remote('wrong'), logger: silentLogger, tls: { rootCertificates: certificate.cert } })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});
