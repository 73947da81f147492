import { isIP } from 'node:net';
import { SparkConnectError } from './errors';

/**
 * A parsed Spark Connect connection string, as Spark's own clients define it:
 * `sc://host[:port]/;param=value;…` (default port 15002). Known parameters: `token` (bearer token;
 * implies `use_ssl=true` unless `use_ssl` is given), `use_ssl`, `user_id`, `user_agent`,
 * `session_id` (a UUID, to join an existing server-side session). Any other parameter is sent as a
 * gRPC metadata header on every call (how gateways route to a cluster). Values are percent-decoded.
 */
export interface SparkRemote {
  readonly host: string;
  readonly port: number;
  readonly useSsl: boolean;
  readonly token: string | undefined;
  readonly userId: string | undefined;
  readonly userAgent: string | undefined;
  readonly sessionId: string | undefined;
  /** Extra parameters, sent as metadata headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
}

const DEFAULT_SPARK_CONNECT_PORT = 15002;

const KNOWN = new Set(['token', 'use_ssl', 'user_id', 'user_agent', 'session_id']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEADER_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

/** Parses `sc://…`; throws `INVALID_REMOTE` with the reason (the token never appears in a message). */
export function parseRemote(text: string): SparkRemote {
  const fail = (reason: string): never => {
    throw new SparkConnectError('INVALID_REMOTE', `Invalid Spark Connect remote ${JSON.stringify(redactText(text))}: ${reason}`);
  };
  if (!text.startsWith('sc://')) fail('it must start with sc://');
  const rest = text.slice('sc://'.length);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  const { host, port } = parseAuthority(authority, fail);
  if (path !== '' && !path.startsWith(';')) fail('parameters follow "/;", e.g. sc://host:15002/;use_ssl=true');

  const params = new Map<string, string>();
  for (const part of path.split(';')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    if (equals <= 0) fail(`parameter ${JSON.stringify(part.split('=')[0])} has no value`);
    const key = part.slice(0, equals);
    const value = decode(part.slice(equals + 1), key, fail);
    if (params.has(key)) fail(`parameter ${key} is given twice`);
    params.set(key, value);
  }

  const useSslText = params.get('use_ssl');
  if (useSslText !== undefined && useSslText !== 'true' && useSslText !== 'false') fail('use_ssl must be true or false');
  const token = params.get('token');
  if (token === '') fail('token is empty');
  const useSsl = useSslText === undefined ? token !== undefined : useSslText === 'true';
  if (token !== undefined && !useSsl && !isLoopback(host)) {
    fail('a token is sent in clear text without TLS; that is allowed only to a loopback address (use use_ssl=true)');
  }
  const sessionId = params.get('session_id');
  if (sessionId !== undefined && !UUID.test(sessionId)) fail('session_id must be a UUID');

  const headers: Record<string, string> = {};
  for (const [key, value] of params) {
    if (KNOWN.has(key)) continue;
    const name = key.toLowerCase();
    if (!HEADER_NAME.test(name) || name.startsWith('grpc-') || name === 'authorization') fail(`${key} cannot be sent as a header`);
    headers[name] = value;
  }
  return { host, port, useSsl, token, userId: params.get('user_id'), userAgent: params.get('user_agent'), sessionId, headers };
}

/** The remote for logs and error messages: the token and header values are masked. */
export function describeRemote(remote: SparkRemote): string {
  const params: string[] = [];
  if (remote.token !== undefined) params.push('token=***');
  params.push(`use_ssl=${remote.useSsl}`);
  if (remote.userId !== undefined) params.push(`user_id=${remote.userId}`);
  if (remote.sessionId !== undefined) params.push(`session_id=${remote.sessionId}`);
  for (const name of Object.keys(remote.headers)) params.push(`${name}=***`);
  return `sc://${grpcTarget(remote)}/;${params.join(';')}`;
}

/** `host:port` as gRPC wants it (IPv6 literals in brackets). */
export function grpcTarget(remote: SparkRemote): string {
  return `${isIP(remote.host) === 6 ? `[${remote.host}]` : remote.host}:${remote.port}`;
}

function parseAuthority(authority: string, fail: (reason: string) => never): { host: string; port: number } {
  if (authority.includes('@')) fail('user information before the host is not supported (use ;token=…)');
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) fail('an IPv6 address needs a closing "]"');
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail('unexpected text after the IPv6 address');
    portText = after === '' ? undefined : after.slice(1);
    if (isIP(host) !== 6) fail(`${host} is not an IPv6 address`);
  } else {
    const colon = authority.lastIndexOf(':');
    host = colon === -1 ? authority : authority.slice(0, colon);
    portText = colon === -1 ? undefined : authority.slice(colon + 1);
    if (!/^[A-Za-z0-9.-]+$/.test(host)) fail('the host is missing or not a valid host name');
  }
  if (portText === undefined) return { host, port: DEFAULT_SPARK_CONNECT_PORT };
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65_535) fail(`port ${JSON.stringify(portText)} is not a port number`);
  return { host, port };
}

function decode(value: string, key: string, fail: (reason: string) => never): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return fail(`the value of ${key} is not valid percent-encoding`);
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Masks every parameter value of a string that failed to parse, so it never leaks a token or a header. */
function redactText(text: string): string {
  return text.replace(/=[^;]*/g, '=***');
}
