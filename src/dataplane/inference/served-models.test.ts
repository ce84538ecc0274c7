// Learning base models from the pool's servers: simulated vLLM replicas list their LoRA adapters with `parent`
// in `GET /v1/models`, as vLLM does.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Replica } from '../../sim/replica.ts';
import { quietLog } from '../testkit.ts';
import { readModelList, ServedModels } from './served-models.ts';
import { startSim } from './testkit.ts';

function endpoint(address: string, port: number) {
  return { id: `${address}:${port}`, address, port };
}

describe('served models', () => {
  let llama: Replica;
  let qwen: Replica;
  let notOpenAi: http.Server;
  let notOpenAiPort: number;

  before(async () => {
    const adapters = [{ name: 'sql-lora', path: '/adapters/sql' }];
    llama = await startSim('llama-3.1-8b', 'llama-0', { loraModules: adapters, enableLora: true });
    qwen = await startSim('qwen3-32b', 'qwen-0', { loraModules: adapters, enableLora: true });
    notOpenAi = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => notOpenAi.listen(0, '127.0.0.1', resolve));
    notOpenAiPort = (notOpenAi.address() as AddressInfo).port;
  });

  after(async () => {
    await Promise.all([llama.close(), qwen.close()]);
    await new Promise((resolve) => notOpenAi.close(resolve));
  });

  test('adapters map to their parent, base models to themselves; the lowest endpoint id wins a disagreement', async () => {
    const served = new ServedModels('pool', quietLog);
    try {
      const endpoints = [endpoint('127.0.0.1', llama.port), endpoint('127.0.0.1', qwen.port)];
      served.setEndpoints(endpoints);
      await served.refresh();
      const first = endpoints[0].id < endpoints[1].id ? 'llama-3.1-8b' : 'qwen3-32b';
      assert.deepEqual([...served.baseModels].sort(), [
        ['llama-3.1-8b', 'llama-3.1-8b'],
        ['qwen3-32b', 'qwen3-32b'],
        ['sql-lora', first],
      ]);
    } finally {
      await served.close();
    }
  });

  test('an adapter loaded at run time is learned at the next poll; a removed endpoint is forgotten', async () => {
    const served = new ServedModels('pool', quietLog);
    try {
      served.setEndpoints([endpoint('127.0.0.1', llama.port)]);
      await served.refresh();
      assert.equal(served.baseModels.get('tools-lora'), undefined);
      llama.context.loras.load('tools-lora', '/adapters/tools');
      await served.refresh();
      assert.equal(served.baseModels.get('tools-lora'), 'llama-3.1-8b');
      served.setEndpoints([]);
      assert.equal(served.baseModels.size, 0);
    } finally {
      llama.context.loras.unload('tools-lora');
      await served.close();
    }
  });

  test('a server that does not list models, or is not there, teaches nothing and breaks nothing', async () => {
    const served = new ServedModels('pool', quietLog, { timeoutMs: 500 });
    try {
      served.setEndpoints([endpoint('127.0.0.1', notOpenAiPort), endpoint('127.0.0.1', 1)]);
      await served.refresh();
      assert.equal(served.baseModels.size, 0);
    } finally {
      await served.close();
    }
  });

  test('a model list is read leniently: cards without an id are skipped, an empty parent is none', () => {
    assert.deepEqual(
      [
        ...readModelList({
          object: 'list',
          data: [
            { id: 'base', parent: null },
            { id: 'lora', parent: 'base' },
            { id: 'x', parent: '' },
            {},
            7,
          ],
        }),
      ],
      [
        ['base', 'base'],
        ['lora', 'base'],
        ['x', 'x'],
      ],
    );
    assert.equal(readModelList('not a list').size, 0);
  });
});
