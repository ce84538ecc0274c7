// Endpoint pickers across IR swaps: kept while a pool stays, rebuilt when its configuration changes,
// closed when it goes; a configuration that does not load never replaces one that serves.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Dispatcher } from 'undici';
import type { EndpointPicker } from '../../inference/picker.ts';
import type { IRInferencePool } from '../../ir/types.ts';
import { setLogLevel } from '../../observability/log.ts';
import { PoolRegistry } from '../forward/pools.ts';
import { quietLog } from '../testkit.ts';
import { InferencePools } from './pools.ts';
import { inferencePool, pickerConfig } from './testkit.ts';

/** Endpoints on a port nobody listens on: scrapes fail quietly, nothing is sent. */
function pool(id: string, ports: number[], config = ''): IRInferencePool {
  return inferencePool(id, ports, {
    pickerConfig: config,
    objectives: { batch: -1 },
    modelRewrites: [{ models: ['a'], targets: [{ model: 'b', weight: 1 }] }],
  });
}

const roundRobin = pickerConfig(`plugins:
  - type: round-robin-picker
`);

describe('inference pools across applies', () => {
  const connections = new PoolRegistry();
  const pools = new InferencePools(quietLog);
  // The pickers scrape endpoints nobody serves; their warnings are expected.
  before(() => setLogLevel('error'));
  after(async () => {
    await pools.close();
    await connections.close(0);
  });

  test('a pool that stays keeps its picker and what it learnt; endpoints follow the IR', () => {
    const inUse = new Set<Dispatcher>();
    const first = pools.compile({ p: pool('p', [1, 2]) }, connections, inUse);
    pools.commit();
    const picker = first.get('p')?.picker;
    assert.ok(picker);
    const kept = picker.endpoints.get('127.0.0.1:1');
    assert.ok(kept);
    kept.inFlight.requests = 3;
    assert.equal(inUse.size, 2);
    assert.equal(first.get('p')?.objectives.get('batch'), -1);
    assert.deepEqual([...(first.get('p')?.upstreams.keys() ?? [])], ['127.0.0.1:1', '127.0.0.1:2']);

    const second = pools.compile({ p: pool('p', [1, 3]) }, connections, new Set());
    pools.commit();
    assert.equal(second.get('p')?.picker, picker);
    assert.equal(picker.endpoints.get('127.0.0.1:1')?.inFlight.requests, 3);
    assert.deepEqual(
      picker.endpoints.list().map((endpoint) => endpoint.id),
      ['127.0.0.1:1', '127.0.0.1:3'],
    );
  });

  test('a changed configuration gets a new picker and the old one is closed; an invalid one changes nothing', () => {
    const before = pools.picker('p');
    assert.ok(before);
    const closed = spyOnClose(before);
    pools.compile({ p: pool('p', [1], roundRobin) }, connections, new Set());
    assert.equal(closed.count, 0, 'closed only once the new IR serves');
    pools.commit();
    assert.equal(closed.count, 1);
    const changed = pools.picker('p');
    assert.ok(changed && changed !== before);
    assert.ok(changed.config.plugins.has('round-robin-picker'));

    pools.compile({ p: pool('p', [1], 'kind: Nonsense') }, connections, new Set());
    pools.commit();
    assert.equal(pools.picker('p'), changed);
  });

  test('a pool the IR no longer lists is closed after the swap', () => {
    const picker = pools.picker('p');
    assert.ok(picker);
    const closed = spyOnClose(picker);
    pools.compile({}, connections, new Set());
    assert.equal(pools.picker('p'), undefined);
    pools.commit();
    assert.equal(closed.count, 1);
  });
});

function spyOnClose(picker: EndpointPicker): { count: number } {
  const calls = { count: 0 };
  const close = picker.close.bind(picker);
  picker.close = () => {
    calls.count++;
    return close();
  };
  return calls;
}
