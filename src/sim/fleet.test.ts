import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { SluiceError } from '../errors.ts';
import { ScaledClock } from './clock.ts';
import { parseFleetFile, replicaSet, startFleet } from './fleet.ts';
import { replicaDefaults } from './options.ts';

describe('replica sets', () => {
  it('gives each replica the next loopback address, the same port, its own pod and seed', () => {
    const replicas = replicaSet(
      { ...replicaDefaults, host: '127.0.0.10', port: 8000, seed: 5 },
      3,
      'address',
    );
    assert.deepEqual(
      replicas.map((replica) => [replica.host, replica.port, replica.pod, replica.seed]),
      [
        ['127.0.0.10', 8000, 'sluice-sim-0', 5],
        ['127.0.0.11', 8000, 'sluice-sim-1', 6],
        ['127.0.0.12', 8000, 'sluice-sim-2', 7],
      ],
    );
  });

  it('or the next ports on one address', () => {
    const replicas = replicaSet({ ...replicaDefaults, port: 9000 }, 2, 'port');
    assert.deepEqual(
      replicas.map((replica) => `${replica.host}:${replica.port}`),
      ['127.0.0.1:9000', '127.0.0.1:9001'],
    );
  });
});

describe('fleet files', () => {
  const fleet = `
defaults:
  profile: qwen3-32b-2xh100
  maxNumSeqs: 64
  port: 8000
replicas:
  - host: 127.0.0.2
    pod: decode-a
  - host: 127.0.0.3
    pod: decode-b
    engine: sglang
    maxNumSeqs: 8
    loraModules: [sql=/adapters/sql]
`;

  it('applies defaults, then each replica its own options', () => {
    const [a, b] = parseFleetFile(fleet, replicaDefaults, 'fleet.yaml');
    assert.equal(a.profile, 'qwen3-32b-2xh100');
    assert.equal(a.host, '127.0.0.2');
    assert.deepEqual(a.limits, { maxNumSeqs: 64 });
    assert.equal(b.engine, 'sglang');
    assert.deepEqual(b.limits, { maxNumSeqs: 8 });
    assert.deepEqual(b.loraModules, [{ name: 'sql', path: '/adapters/sql' }]);
    assert.equal(b.enableLora, true);
  });

  it('names the file and field of a mistake', () => {
    assert.throws(
      () => parseFleetFile('replicas:\n  - maxNumSeqs: none\n', replicaDefaults, 'fleet.yaml'),
      (error: unknown) =>
        error instanceof SluiceError &&
        /fleet\.yaml replicas\[0\]: maxNumSeqs must be an integer/.test(error.message),
    );
    assert.throws(
      () => parseFleetFile('replicas:\n  - colour: red\n', replicaDefaults, 'f'),
      /unknown option colour/,
    );
  });
});

describe('a fleet in one process', () => {
  it('serves every replica on its own address with its own identity', async () => {
    const fleet = await startFleet(
      replicaSet({ ...replicaDefaults, host: '127.0.0.2', port: 0 }, 2, 'address'),
      new ScaledClock(1000),
    );
    try {
      const pods = [];
      for (const replica of fleet.replicas) {
        const response = await request(`${replica.url}/health`);
        await response.body.dump();
        assert.equal(response.statusCode, 200);
        pods.push([replica.address, response.headers['x-inference-pod']]);
      }
      assert.deepEqual(pods, [
        ['127.0.0.2', 'sluice-sim-0'],
        ['127.0.0.3', 'sluice-sim-1'],
      ]);
    } finally {
      await fleet.close();
    }
  });
});
