// @ts-check
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signatureV4 } from './s3-request.mjs';

// AWS's published SigV4 test suite, case "get-vanilla": GET / on example.amazonaws.com, service "service".
test('signatureV4 reproduces the AWS test suite signature of get-vanilla', () => {
  const authorization = signatureV4({
    method: 'GET',
    path: '/',
    query: '',
    headers: { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' },
    payloadSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    region: 'us-east-1',
    service: 'service',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    amzDate: '20150830T123600Z',
  });
  assert.equal(
    authorization,
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  );
});
