// The model-mapping phase: which ConfigMaps count, how their names map, and how clashes resolve.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigMap } from '../resources/core.ts';
import { resolveModelMappings } from './basemodels.ts';
import { buildContext } from './context.ts';
import { CONTROLLER_NAME } from './types.ts';

function mapping(
  name: string,
  data: Record<string, string>,
  createdSecond = 0,
  namespace = 'default',
): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      labels: { 'inference.networking.k8s.io/bbr-managed': 'true' },
      creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, createdSecond)).toISOString(),
    },
    data,
  };
}

function resolve(...configMaps: ConfigMap[]) {
  return resolveModelMappings(
    buildContext(configMaps, { controllerName: CONTROLLER_NAME, defaultAddress: '127.0.0.1' }),
  );
}

test('every namespace has its own mapping; ConfigMaps without the label do not count', () => {
  const unlabelled = mapping('plain', { baseModel: 'phi-4' });
  unlabelled.metadata.labels = {};
  const mappings = resolve(
    mapping('a', { baseModel: 'llama', adapters: '- sql-lora' }),
    mapping('b', { baseModel: 'qwen', adapters: '- sql-lora' }, 0, 'team-b'),
    unlabelled,
  );
  assert.deepEqual([...mappings.keys()].sort(), ['default', 'team-b']);
  assert.deepEqual(mappings.get('default')?.baseModels, { llama: 'llama', 'sql-lora': 'llama' });
  assert.deepEqual(mappings.get('team-b')?.baseModels, { qwen: 'qwen', 'sql-lora': 'qwen' });
});

test('one base model may be split over several ConfigMaps; a name listed twice under it is no clash', () => {
  const mappings = resolve(
    mapping('part-1', { baseModel: 'llama', adapters: '[a, b]' }),
    mapping('part-2', { baseModel: 'llama', adapters: '[b, c]' }),
  ).get('default');
  assert.deepEqual(mappings?.baseModels, { a: 'llama', b: 'llama', c: 'llama', llama: 'llama' });
  assert.deepEqual(mappings?.problems, []);
  assert.equal(mappings?.configMaps, 2);
});

test('an adapter claimed by two base models stays with the older ConfigMap, whatever the order of the input', () => {
  const newer = mapping('a-newer', { baseModel: 'qwen', adapters: '- shared' }, 5);
  const older = mapping('z-older', { baseModel: 'llama', adapters: '- shared' }, 1);
  const mappings = resolve(newer, older).get('default');
  assert.equal(mappings?.baseModels.shared, 'llama');
  assert.match(
    mappings?.problems[0] ?? '',
    /"shared" of "qwen" in ConfigMap default\/a-newer .* default\/z-older/,
  );
});

test('a name that is a base model in one ConfigMap and an adapter in another maps as the adapter', () => {
  const mappings = resolve(
    mapping('base', { baseModel: 'llama-ft' }),
    mapping('adapters', { baseModel: 'llama', adapters: '- llama-ft' }, 1),
  ).get('default');
  assert.equal(mappings?.baseModels['llama-ft'], 'llama');
  assert.equal(mappings?.problems.length, 1);
});

test('a ConfigMap whose adapters are not YAML is not used, and says why', () => {
  const mappings = resolve(mapping('broken', { baseModel: 'llama', adapters: '- [unclosed' })).get('default');
  assert.deepEqual(mappings?.baseModels, {});
  assert.match(
    mappings?.problems[0] ?? '',
    /ConfigMap default\/broken is not used: data.adapters is not YAML/,
  );
});
