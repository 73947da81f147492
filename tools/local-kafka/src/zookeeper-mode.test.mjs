// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderLog4jProperties, renderZooKeeperBrokerProperties, renderZooKeeperProperties } from './properties.mjs';

/** @param {string} text */
const parse = (text) => Object.fromEntries(text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(/=(.*)/s).slice(0, 2)));

describe('zookeeper mode configuration', () => {
  it('makes a ZooKeeper-mode broker: broker.id and zookeeper.connect, no KRaft roles, loopback only', () => {
    const properties = parse(renderZooKeeperBrokerProperties({ port: 39192, zookeeperPort: 39181, storageDir: '/tmp/x/storage' }));
    assert.equal(properties['broker.id'], '1');
    assert.equal(properties['zookeeper.connect'], '127.0.0.1:39181');
    assert.equal(properties['listeners'], 'PLAINTEXT://127.0.0.1:39192');
    assert.equal(properties['offsets.topic.replication.factor'], '1');
    assert.equal(properties['transaction.state.log.min.isr'], '1');
    assert.equal(properties['process.roles'], undefined);
    assert.equal(properties['controller.quorum.voters'], undefined);
  });

  it('makes a standalone ZooKeeper on loopback with no admin server and only srvr', () => {
    const properties = parse(renderZooKeeperProperties({ zookeeperPort: 39181, zookeeperDir: '/tmp/x/zookeeper' }));
    assert.deepEqual(
      { port: properties['clientPort'], address: properties['clientPortAddress'], admin: properties['admin.enableServer'], commands: properties['4lw.commands.whitelist'] },
      { port: '39181', address: '127.0.0.1', admin: 'false', commands: 'srvr' },
    );
  });

  it('logs warnings to the console and INFO to the given file (log4j 1 syntax)', () => {
    const properties = parse(renderLog4jProperties({ file: '/tmp/x/logs/server.log' }));
    assert.equal(properties['log4j.appender.console.Threshold'], 'WARN');
    assert.equal(properties['log4j.appender.file.File'], '/tmp/x/logs/server.log');
  });
});
