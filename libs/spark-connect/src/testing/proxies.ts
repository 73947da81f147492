/**
 * TCP-level stand-ins for the network between a client and a Spark Connect server, for the
 * integration tests: a TLS terminator (what a gateway in front of a cluster does) and a link that
 * breaks once mid-stream. Both forward bytes untouched to the real server.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';

export interface Proxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

/** A self-signed certificate for `localhost` / 127.0.0.1, made with the openssl command line. */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'pipe' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Terminates TLS (ALPN h2, as gRPC requires) and forwards the plaintext HTTP/2 to `target`. */
export function tlsTerminator(target: { host: string; port: number }, certificate: { key: Buffer; cert: Buffer }): Promise<Proxy> {
  const server = createTlsServer({ ...certificate, ALPNProtocols: ['h2'] }, (client) => pipe(client, connect(target.port, target.host)));
  return listen(server);
}

/**
 * Forwards to `target`, but destroys the first connection once it has carried `breakAfterBytes`
 * from the server to the client — a connection lost in the middle of a result stream.
 */
export function breakingLink(target: { host: string; port: number }, breakAfterBytes: number): Promise<Proxy & { broken: () => boolean }> {
  let broken = false;
  let first = true;
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    pipe(client, upstream);
    if (!first) return;
    first = false;
    let carried = 0;
    upstream.on('data', (chunk: Buffer) => {
      carried += chunk.length;
      if (!broken && carried >= breakAfterBytes) {
        broken = true;
        client.destroy();
        upstream.destroy();
      }
    });
  });
  return listen(server).then((proxy) => ({ ...proxy, broken: () => broken }));
}

function pipe(client: Socket, upstream: Socket): void {
  client.pipe(upstream);
  upstream.pipe(client);
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
}

function listen(server: Server): Promise<Proxy> {
  let connections = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (typeof address !== 'object' || address === null) return reject(new Error('proxy has no port'));
      resolve({
        port: address.port,
        connections: () => connections,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
