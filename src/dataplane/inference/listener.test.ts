// Which listeners read inference requests before routing, and the models their `GET /v1/models` lists.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IRBackend, IRRoute, IRValueMatch } from '../../ir/types.ts';
import { prefixMatch, route } from '../testkit.ts';
import { compileListenerInference, modelList } from './listener.ts';
import { compileRewrites } from './rewrite.ts';

const toPool: IRBackend = { weight: 1, target: { kind: 'pool', pool: 'p' }, filters: [] };
const toCluster: IRBackend = { weight: 1, target: { kind: 'cluster', cluster: 'c' }, filters: [] };

const pools = new Map([
  [
    'p',
    {
      rewrites: compileRewrites([{ models: ['alias'], targets: [{ model: 'm', weight: 1 }] }]),
    },
  ],
]);

function modelHeader(value: string, type: IRValueMatch['type'] = 'Exact'): IRValueMatch {
  return { name: 'X-Gateway-Model-Name', type, value };
}

function listed(routes: IRRoute[], host = 'gw.example'): string[] {
  const inference = compileListenerInference(routes, pools);
  assert.ok(inference);
  const list = modelList(inference, host);
  return list === null ? [] : JSON.parse(list).data.map((model: { id: string }) => model.id);
}

describe('listener inference', () => {
  test('a listener without pools or model matches keeps the plain path', () => {
    assert.equal(compileListenerInference([route('r', { backends: [toCluster] })], pools), null);
  });

  test('model matches name models whatever the backend; a pool route for any model adds its rewrites', () => {
    const routes = [
      route('a', { match: prefixMatch('/', { headers: [modelHeader('llama')] }), backends: [toCluster] }),
      route('b', { match: prefixMatch('/', { headers: [modelHeader('qwen')] }), backends: [toPool] }),
      route('c', { match: prefixMatch('/', { headers: [modelHeader('q.*', 'RegularExpression')] }) }),
      route('d', { hostnames: ['*.example'], backends: [toPool] }),
    ];
    assert.deepEqual(listed(routes), ['llama', 'qwen', 'alias']);
    assert.deepEqual(listed(routes, 'other.host'), ['llama', 'qwen']);
  });

  test('a listener that names no model leaves /v1/models to its routes', () => {
    const inference = compileListenerInference(
      [route('r', { backends: [toPool], hostnames: ['x.io'] })],
      pools,
    );
    assert.ok(inference);
    assert.equal(modelList(inference, 'y.io'), null);
  });
});
