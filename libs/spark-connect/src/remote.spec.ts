import { SparkConnectError } from './errors';
import { describeRemote, parseRemote } from './remote';

function failure(text: string): SparkConnectError {
  try {
    parseRemote(text);
  } catch (error) {
    if (error instanceof SparkConnectError) return error;
    throw error;
  }
  throw new Error(`${text} parsed`);
}

describe('parseRemote (Spark Connect connection strings)', () => {
  it('reads host, port and defaults', () => {
    expect(parseRemote('sc://spark.example.com')).toMatchObject({ host: 'spark.example.com', port: 15002, useSsl: false, token: undefined, headers: {} });
    expect(parseRemote('sc://127.0.0.1:39502/')).toMatchObject({ host: '127.0.0.1', port: 39502, useSsl: false });
    expect(parseRemote('sc://[::1]:15003')).toMatchObject({ host: '::1', port: 15003 });
  });

  it('reads the known parameters, percent-decoded; a token implies TLS unless use_ssl says otherwise', () => {
    const remote = parseRemote('sc://spark.example.com:443/;token=abc%3Bdef;user_id=ana;user_agent=fluxo;session_id=00112233-4455-6677-8899-aabbccddeeff');
    expect(remote).toMatchObject({ port: 443, useSsl: true, token: 'abc;def', userId: 'ana', userAgent: 'fluxo', sessionId: '00112233-4455-6677-8899-aabbccddeeff' });
    expect(parseRemote('sc://h/;use_ssl=true').useSsl).toBe(true);
    expect(parseRemote('sc://127.0.0.1:1/;token=t;use_ssl=false')).toMatchObject({ useSsl: false, token: 't' });
  });

  it('sends other parameters as lower-case headers', () => {
    expect(parseRemote('sc://h/;x-cluster-id=c1;Route=a').headers).toEqual({ 'x-cluster-id': 'c1', route: 'a' });
  });

  it.each([
    ['http://h:15002', 'sc://'],
    ['sc://', 'host'],
    ['sc://h:0', 'port'],
    ['sc://h:99999', 'port'],
    ['sc://h:12ab', 'port'],
    ['sc://h/path', '/;'],
    ['sc://user@h', 'user information'],
    ['sc://h/;use_ssl=yes', 'use_ssl'],
    ['sc://h/;token=', 'empty'],
    ['sc://h/;token=a;token=b;use_ssl=true', 'twice'],
    ['sc://h/;session_id=42', 'UUID'],
    ['sc://h/;novalue', 'no value'],
    ['sc://h/;authorization=x', 'header'],
    ['sc://[::1', ']'],
  ])('rejects %s with INVALID_REMOTE', (text, reason) => {
    const error = failure(text);
    expect(error.code).toBe('INVALID_REMOTE');
    expect(error.retriable).toBe(false);
    expect(error.message).toContain(reason);
  });

  it('refuses to send a token in clear text off the machine', () => {
    expect(failure('sc://spark.example.com/;token=secret;use_ssl=false').message).toContain('loopback');
    expect(parseRemote('sc://localhost/;token=t;use_ssl=false').token).toBe('t');
  });

  it('never shows a token or header value, parsed or not', () => {
    expect(describeRemote(parseRemote('sc://h:1/;token=secret;x-key=k2;use_ssl=true'))).toBe('sc://h:1/;token=***;use_ssl=true;x-key=***');
    expect(describeRemote(parseRemote('sc://[::1]:2'))).toBe('sc://[::1]:2/;use_ssl=false');
    expect(failure('sc://h/;token=secret;use_ssl=maybe').message).not.toContain('secret');
  });
});
