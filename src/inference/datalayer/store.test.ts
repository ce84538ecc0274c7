import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Endpoint } from './endpoint.ts';
import { EndpointStore } from './store.ts';

describe('endpoint store', () => {
  it('keeps the state of endpoints that stay and reports who came and went', () => {
    const store = new EndpointStore();
    const changes: string[] = [];
    store.onChange((added, removed) =>
      changes.push(`+${added.map((e) => e.id).join(',')} -${removed.map((e) => e.id).join(',')}`),
    );
    store.setEndpoints([
      { address: '10.0.0.1', port: 8000, name: 'a' },
      { address: '10.0.0.2', port: 8000, name: 'b' },
    ]);
    const survivor = store.get('10.0.0.2:8000') as Endpoint;
    survivor.inFlight.requests = 3;
    survivor.metrics = { ...survivor.metrics, waitingQueueSize: 5 };

    store.setEndpoints([
      { address: '10.0.0.2', port: 8000, name: 'b', labels: { zone: 'x' } },
      { address: 'fd00::3', port: 8000 },
    ]);
    assert.equal(store.get('10.0.0.2:8000'), survivor);
    assert.equal(survivor.inFlight.requests, 3);
    assert.equal(survivor.metrics.waitingQueueSize, 5);
    assert.deepEqual(survivor.labels, { zone: 'x' });
    assert.deepEqual(
      store.list().map((e) => e.id),
      ['10.0.0.2:8000', '[fd00::3]:8000'],
    );
    assert.deepEqual(changes, ['+10.0.0.1:8000,10.0.0.2:8000 -', '+[fd00::3]:8000 -10.0.0.1:8000']);

    store.setEndpoints(store.list().map((e) => ({ address: e.address, port: e.port })));
    assert.equal(changes.length, 2, 'no change, no notification');
  });
});
