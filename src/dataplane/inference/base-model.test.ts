// Routing LoRA adapters by their base model: the data plane sets `x-gateway-base-model-name` before route
// matching, from the Gateway's ConfigMap mappings (the IR port's `baseModels`) and from what the pools'
// simulated vLLM servers list in `GET /v1/models`, so a route that names only the base model serves every
// adapter of it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { IRRoute } from '../../ir/types.ts';
import { setLogLevel } from '../../observability/log.ts';
import type { Replica } from '../../sim/replica.ts';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  type EchoUpstream,
  freePort,
  httpPort,
  parseEcho,
  postJson,
  prefixMatch,
  quietLog,
  type Reply,
  route,
  send,
  startEchoUpstream,
  toCluster,
} from '../testkit.ts';
import { applyWithPools, endpointOf, inferencePool, startSim, toPool } from './testkit.ts';

const baseHeader = 'x-gateway-base-model-name';

/** A route for every model whose base model is `baseModel`, to a pool. */
function baseModelRoute(baseModel: string, poolId: string): IRRoute {
  return route(`base/${baseModel}`, {
    match: prefixMatch('/v1', { headers: [{ name: baseHeader, type: 'Exact', value: baseModel }] }),
    backends: [toPool(poolId)],
  });
}

describe('base-model routing through the data plane', () => {
  const plane = new DataPlane({ log: quietLog });
  let llama: Replica;
  let qwen: Replica;
  let echo: EchoUpstream;
  let port: number;

  before(async () => {
    setLogLevel('error');
    [llama, qwen] = await Promise.all([
      startSim('llama-3.1-8b', 'llama-0', {
        enableLora: true,
        loraModules: [{ name: 'sql-lora', path: '/adapters/sql' }],
      }),
      startSim('qwen3-32b', 'qwen-0', {
        enableLora: true,
        loraModules: [{ name: 'qwen-lora', path: '/adapters/qwen' }],
      }),
    ]);
    echo = await startEchoUpstream('echo');
    port = await freePort();
    const routes = [
      baseModelRoute('llama-3.1-8b', 'pool/llama'),
      baseModelRoute('qwen3-32b', 'pool/qwen'),
      route('echo', { match: prefixMatch('/echo'), backends: [toCluster('echo')] }),
    ];
    await applyWithPools(
      plane,
      [
        {
          ...httpPort(port, routes),
          // The Gateway's ConfigMap knows sql-lora (and names an adapter no server has loaded yet);
          // qwen-lora is known only from what the qwen server lists.
          baseModels: {
            'llama-3.1-8b': 'llama-3.1-8b',
            'sql-lora': 'llama-3.1-8b',
            'new-lora': 'llama-3.1-8b',
          },
        },
      ],
      [inferencePool('pool/llama', [llama.port]), inferencePool('pool/qwen', [qwen.port])],
      [cluster('echo', echo.port)],
    );
  });

  after(async () => {
    await plane.close();
    await Promise.all([llama.close(), qwen.close(), echo.close()]);
  });

  function chat(model: string, path = '/v1/chat/completions', headers: Record<string, string> = {}) {
    return postJson(
      port,
      path,
      { model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 2 },
      headers,
    );
  }

  /** Asks until the answer is no 404: the servers' model lists are read once the pool is set up. */
  async function chatOnceLearned(model: string): Promise<Reply> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const reply = await chat(model);
      if (reply.status !== 404) return reply;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail(`${model} was never routed`);
  }

  test('an adapter no route names reaches its base model pool through the ConfigMap mapping', async () => {
    const reply = await chat('sql-lora');
    assert.equal(reply.status, 200, reply.body);
    assert.equal(reply.headers['x-gateway-destination-endpoint-served'], endpointOf(llama));
    assert.equal(JSON.parse(reply.body).model, 'sql-lora');
    assert.equal(reply.headers['x-inference-model'], 'sql-lora', 'the server served the adapter');
  });

  test('an adapter no ConfigMap names is learned from the model list of its pool', async () => {
    const reply = await chatOnceLearned('qwen-lora');
    assert.equal(reply.status, 200, reply.body);
    assert.equal(reply.headers['x-gateway-destination-endpoint-served'], endpointOf(qwen));
  });

  test('a base model maps to itself, from the ConfigMap or from its server', async () => {
    assert.equal((await chat('llama-3.1-8b')).status, 200);
    const reply = await chatOnceLearned('qwen3-32b');
    assert.equal(reply.headers['x-gateway-destination-endpoint-served'], endpointOf(qwen));
  });

  test('the header upstream carries the base model, empty for an unknown model, and never the client value', async () => {
    const sent = async (model: string) =>
      parseEcho(await chat(model, '/echo/v1/chat/completions', { [baseHeader]: 'qwen3-32b' })).headers[
        baseHeader
      ];
    assert.equal(await sent('sql-lora'), 'llama-3.1-8b');
    assert.equal(await sent('gpt-9'), '');
  });

  test('a model nothing maps matches no base-model route', async () => {
    const reply = await chat('gpt-9');
    assert.equal(reply.status, 404);
    assert.equal(JSON.parse(reply.body).error.code, 'model_not_found');
  });

  test('/v1/models lists the mapped and the learned names of the routed base models', async () => {
    await chatOnceLearned('qwen-lora');
    const reply = await send({ port, path: '/v1/models' });
    const ids = JSON.parse(reply.body).data.map((model: { id: string }) => model.id);
    assert.deepEqual(ids, ['llama-3.1-8b', 'sql-lora', 'new-lora', 'qwen3-32b', 'qwen-lora']);
  });
});
