// Reading a Pod's vLLM args into simulator options.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SluiceError } from '../errors.ts';
import { vllmArgsOptions } from './demo-vllm-args.ts';

test('the served name, adapters and limits come from the flags the simulator knows; the rest is skipped', () => {
  const options = vllmArgsOptions(
    [
      '--model',
      'meta-llama/Llama-3.1-8B-Instruct',
      '--served-model-name',
      'llama-3.1-8b',
      'llama',
      '--tensor-parallel-size',
      '2',
      '--enable-lora',
      '--max-loras=2',
      '--lora-modules',
      'sql-lora=/adapters/sql',
      '{"name": "tools-lora", "path": "/adapters/tools", "base_model_name": "llama"}',
      '--port',
      '8000',
    ],
    'Pod default/llama-0',
  );
  assert.deepEqual(options, {
    model: 'llama-3.1-8b',
    enableLora: true,
    limits: { maxLoras: 2 },
    loraModules: [
      { name: 'sql-lora', path: '/adapters/sql' },
      { name: 'tools-lora', path: '/adapters/tools' },
    ],
  });
});

test('the model is the positional argument or --model when no name is served', () => {
  assert.deepEqual(vllmArgsOptions(['BAAI/bge-m3', '--runner', 'pooling'], 'Pod bge'), {
    model: 'BAAI/bge-m3',
    runner: 'pooling',
  });
  assert.deepEqual(vllmArgsOptions(['--model', 'Qwen/Qwen3-32B'], 'Pod qwen'), { model: 'Qwen/Qwen3-32B' });
  assert.deepEqual(vllmArgsOptions([], 'Pod bare'), {});
});

test('a value the simulator cannot take names the Pod', () => {
  assert.throws(
    () => vllmArgsOptions(['--runner', 'draft'], 'Pod default/odd'),
    (error: unknown) =>
      error instanceof SluiceError && /Pod default\/odd: runner must be/.test(error.message),
  );
});
