// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATA_DIR_PROPERTY, remoteFor, renderLog4j2Properties, SERVER_CLASS, sparkSubmitArgs } from './config.mjs';
import { dataDirLayout } from './paths.mjs';

const layout = dataDirLayout('/tmp/fluxo-spark-x');

/** `--conf k=v` pairs of an argument list. @param {string[]} args */
function confs(args) {
  /** @type {Record<string, string>} */
  const out = {};
  args.forEach((arg, i) => {
    if (arg === '--conf') {
      const [key, value] = (args[i + 1] ?? '').split(/=(.*)/s);
      if (key !== undefined) out[key] = value ?? '';
    }
  });
  return out;
}

describe('local Spark Connect server configuration', () => {
  it('binds gRPC and the driver to loopback, without a web UI, with its files under the data dir', () => {
    const args = sparkSubmitArgs({ port: 39502, master: 'local[2]', driverMemory: '1g', layout, conf: {} });
    assert.equal(args[args.indexOf('--class') + 1], SERVER_CLASS);
    assert.equal(args.at(-1), 'spark-internal');
    assert.deepEqual(
      { ...confs(args) },
      {
        'spark.connect.grpc.binding.address': '127.0.0.1',
        'spark.connect.grpc.binding.port': '39502',
        'spark.driver.host': '127.0.0.1',
        'spark.driver.bindAddress': '127.0.0.1',
        'spark.ui.enabled': 'false',
        'spark.sql.warehouse.dir': '/tmp/fluxo-spark-x/warehouse',
        'spark.sql.session.timeZone': 'UTC',
      },
    );
    const javaOptions = args[args.indexOf('--driver-java-options') + 1] ?? '';
    assert.ok(javaOptions.split(' ').includes(`-D${DATA_DIR_PROPERTY}=/tmp/fluxo-spark-x`), javaOptions);
  });

  it('lets extra settings win', () => {
    const args = sparkSubmitArgs({ port: 1, master: 'local[2]', driverMemory: '1g', layout, conf: { 'spark.ui.enabled': 'true', 'spark.connect.execute.reattachable.senderMaxStreamSize': '4m' } });
    assert.equal(confs(args)['spark.ui.enabled'], 'true');
    assert.equal(confs(args)['spark.connect.execute.reattachable.senderMaxStreamSize'], '4m');
  });

  it('prints a remote with the token for loopback plaintext, percent-encoded', () => {
    assert.equal(remoteFor({ port: 15002, token: 'a;b' }), 'sc://127.0.0.1:15002/;token=a%3Bb;use_ssl=false');
    assert.equal(remoteFor({ port: 15002 }), 'sc://127.0.0.1:15002/;use_ssl=false');
  });

  it('logs warnings to the console and INFO to a rolled file', () => {
    const text = renderLog4j2Properties({ serverLog: '/tmp/x/server.log' });
    assert.match(text, /^rootLogger\.appenderRef\.console\.level = warn$/m);
    assert.match(text, /^appender\.file\.fileName = \/tmp\/x\/server\.log$/m);
  });
});
