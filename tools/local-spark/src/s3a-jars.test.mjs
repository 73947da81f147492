// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { artifactOf, jarsToKeep } from './s3a-jars.mjs';

describe('s3a jars', () => {
  it('names the artifact of a jar file, versions and platform classifiers dropped', () => {
    assert.equal(artifactOf('netty-codec-http-4.1.115.Final.jar'), 'netty-codec-http');
    assert.equal(artifactOf('netty-codec-http2-4.2.7.Final.jar'), 'netty-codec-http2');
    assert.equal(artifactOf('netty-transport-native-epoll-4.2.7.Final-linux-x86_64.jar'), 'netty-transport-native-epoll');
    assert.equal(artifactOf('hadoop-aws-3.4.2.jar'), 'hadoop-aws');
    assert.equal(artifactOf('s3-transfer-manager-2.29.52.jar'), 's3-transfer-manager');
  });

  it('keeps only what pyspark does not ship, in any version (commons-logging comes as jcl-over-slf4j)', () => {
    const resolved = ['hadoop-aws-3.4.2.jar', 's3-2.29.52.jar', 'netty-codec-http-4.1.115.Final.jar', 'httpclient-4.5.13.jar', 'commons-codec-1.17.1.jar', 'commons-logging-1.2.jar', 'slf4j-api-1.7.36.jar', 'netty-nio-client-2.29.52.jar'];
    const shipped = ['netty-codec-http-4.2.7.Final.jar', 'httpclient-4.5.14.jar', 'commons-codec-1.19.0.jar', 'jcl-over-slf4j-2.0.17.jar', 'slf4j-api-2.0.17.jar', 'hadoop-client-api-3.4.2.jar'];
    assert.deepEqual(jarsToKeep(resolved, shipped), ['hadoop-aws-3.4.2.jar', 's3-2.29.52.jar', 'netty-nio-client-2.29.52.jar']);
  });
});
