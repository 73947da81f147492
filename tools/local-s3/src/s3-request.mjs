// @ts-check
/**
 * The few S3 calls the tool itself needs — ListBuckets (readiness), CreateBucket and DeleteBucket
 * (test set-up) — signed with AWS Signature Version 4 over fetch, path style. Apps never use this:
 * their object I/O goes through DuckDB's httpfs (libs/parquet-io).
 */
import { createHash, createHmac } from 'node:crypto';

/**
 * @typedef {object} S3Target
 * @property {string} endpoint         e.g. http://127.0.0.1:7070
 * @property {string} region           e.g. us-east-1
 * @property {string} accessKeyId
 * @property {string} secretAccessKey
 */

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/**
 * The `Authorization` header value of a SigV4-signed request. `headers` are the ones to sign, names
 * in any case (host and x-amz-date at least); `path` is already URI-encoded; `query` is the
 * canonical query string (sorted, encoded), '' for none.
 * @param {{ method: string, path: string, query: string, headers: Readonly<Record<string, string>>, payloadSha256: string, region: string, service: string, accessKeyId: string, secretAccessKey: string, amzDate: string }} request
 * @returns {string}
 */
export function signatureV4(request) {
  const names = Object.keys(request.headers).map((name) => name.toLowerCase()).sort();
  const values = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value.trim().replace(/\s+/g, ' ')]));
  const canonicalHeaders = names.map((name) => `${name}:${values[name]}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [request.method, request.path, request.query, canonicalHeaders, signedHeaders, request.payloadSha256].join('\n');
  const day = request.amzDate.slice(0, 8);
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', request.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${request.secretAccessKey}`, day);
  for (const part of [request.region, request.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${request.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

/**
 * One signed request; resolves with the status and body text (any status: the caller decides).
 * @param {S3Target} target
 * @param {{ method: 'GET' | 'PUT' | 'DELETE', path: string, timeoutMs?: number }} request  path: `/` or `/<bucket>`
 * @returns {Promise<{ status: number, body: string }>}
 */
export async function s3Request(target, request) {
  const url = new URL(request.path, target.endpoint);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const headers = { host: url.host, 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': amzDate };
  const authorization = signatureV4({ method: request.method, path: url.pathname, query: '', headers, payloadSha256: EMPTY_SHA256, region: target.region, service: 's3', accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey, amzDate });
  const response = await fetch(url, {
    method: request.method,
    headers: { 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': amzDate, authorization },
    signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
  });
  return { status: response.status, body: await response.text() };
}

/**
 * ListBuckets: the bucket names, or an Error carrying the server's answer.
 * @param {S3Target} target
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<string[]>}
 */
export async function listBuckets(target, options = {}) {
  const { status, body } = await s3Request(target, { method: 'GET', path: '/', timeoutMs: options.timeoutMs });
  if (status !== 200) throw new Error(`ListBuckets answered HTTP ${status}: ${body.slice(0, 300)}`);
  return [...body.matchAll(/<Name>([^<]*)<\/Name>/g)].map((match) => match[1] ?? '');
}

/**
 * CreateBucket; succeeds when the bucket exists already and is ours.
 * @param {S3Target} target
 * @param {string} bucket
 */
export async function createBucket(target, bucket) {
  checkBucketName(bucket);
  const { status, body } = await s3Request(target, { method: 'PUT', path: `/${bucket}` });
  if (status !== 200 && !body.includes('BucketAlreadyOwnedByYou')) throw new Error(`CreateBucket ${bucket} answered HTTP ${status}: ${body.slice(0, 300)}`);
}

/** @param {string} bucket */
function checkBucketName(bucket) {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`"${bucket}" is not a valid bucket name (3–63 of a-z, 0-9, '.', '-')`);
}

/** @param {string} text */
function sha256Hex(text) {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** @param {string | Buffer} key @param {string} text */
function hmac(key, text) {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}
