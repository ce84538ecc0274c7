// Which listeners read inference requests before routing, the base model each model name gets, and the
// models their `GET /v1/models` lists.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IRBackend, IRRoute, IRValueMatch } from '../../ir/types.ts';
import { prefixMatch, route } from '../testkit.ts';
import { baseModelOf, compileListenerInference, type ModelCatalog, modelList } from './listener.ts';
import { compileRewrites } from './rewrite.ts';

const toPool: IRBackend = { weight: 1, target: { kind: 'pool', pool: 'p' }, filters: [] };
const toOtherPool: IRBackend = { weight: 1, target: { kind: 'pool', pool: 'q' }, filters: [] };
const toCluster: IRBackend = { weight: 1, target: { kind: 'cluster', cluster: 'c' }, filters: [] };

/** What the servers of pool p and pool q list (model → base model). */
const catalogP: ModelCatalog = {
  baseModels: new Map([
    ['llama', 'llama'],
    ['sql-lora', 'llama'],
    ['chat-lora', 'llama'],
  ]),
};
const catalogQ: ModelCatalog = {
  baseModels: new Map([
    ['qwen', 'qwen'],
    ['chat-lora', 'qwen'],
  ]),
};

const pools = new Map([
  [
    'p',
    {
      rewrites: compileRewrites([{ models: ['alias'], targets: [{ model: 'm', weight: 1 }] }]),
      servedModels: catalogP,
    },
  ],
  ['q', { rewrites: [], servedModels: catalogQ }],
]);

function modelHeader(value: string, type: IRValueMatch['type'] = 'Exact'): IRValueMatch {
  return { name: 'X-Gateway-Model-Name', type, value };
}

function baseHeader(value: string): IRValueMatch {
  return { name: 'x-gateway-base-model-name', type: 'Exact', value };
}

function listed(routes: IRRoute[], host = 'gw.example', baseModels: Record<string, string> = {}): string[] {
  const inference = compileListenerInference(routes, pools, baseModels);
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

describe('base model of a request', () => {
  const routes = [
    route('p', { match: prefixMatch('/', { headers: [baseHeader('llama')] }), backends: [toPool] }),
    route('q', { match: prefixMatch('/', { headers: [baseHeader('qwen')] }), backends: [toOtherPool] }),
  ];

  test('a route matching only the base model name makes the listener read inference requests', () => {
    const inference = compileListenerInference(
      [route('r', { match: prefixMatch('/', { headers: [baseHeader('llama')] }), backends: [toCluster] })],
      new Map(),
    );
    assert.ok(inference);
    assert.equal(baseModelOf(inference, 'llama'), '', 'without a mapping nothing knows the name');
  });

  test("the Gateway's ConfigMaps win over what servers list; then pools in route order; else empty", () => {
    const inference = compileListenerInference(routes, pools, { 'sql-lora': 'qwen', 'tools-lora': 'llama' });
    assert.ok(inference);
    assert.equal(baseModelOf(inference, 'sql-lora'), 'qwen', 'the ConfigMap entry wins over the servers');
    assert.equal(baseModelOf(inference, 'tools-lora'), 'llama', 'a ConfigMap adapter no server lists');
    assert.equal(baseModelOf(inference, 'chat-lora'), 'llama', "the first route's pool wins a disagreement");
    assert.equal(baseModelOf(inference, 'qwen'), 'qwen', 'a base model maps to itself');
    assert.equal(baseModelOf(inference, ' llama '), 'llama', 'the name is trimmed, as upstream does');
    assert.equal(baseModelOf(inference, 'gpt-9'), '', 'an unknown name gets an empty header, as upstream');
  });

  test('what servers learn later is seen without recompiling', () => {
    const learning = { baseModels: new Map<string, string>() };
    const inference = compileListenerInference(
      [route('p', { backends: [toPool] })],
      new Map([['p', { rewrites: [], servedModels: learning }]]),
    );
    assert.ok(inference);
    assert.equal(baseModelOf(inference, 'new-lora'), '');
    learning.baseModels = new Map([['new-lora', 'llama']]);
    assert.equal(baseModelOf(inference, 'new-lora'), 'llama');
  });

  test('/v1/models lists every name that maps to a base model a route matches, ConfigMaps first', () => {
    assert.deepEqual(listed(routes, 'gw.example', { 'tools-lora': 'llama', 'sql-lora': 'qwen' }), [
      'tools-lora',
      'sql-lora',
      'llama',
      'chat-lora',
      'qwen',
    ]);
    assert.deepEqual(listed(routes.slice(0, 1)), ['llama', 'sql-lora', 'chat-lora']);
  });
});
