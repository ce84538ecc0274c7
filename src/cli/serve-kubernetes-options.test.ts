import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usageError } from './args.ts';
import { parseKubernetesServeArgs } from './serve-kubernetes-options.ts';

describe('--gateway-class', () => {
  test('repeatable; none means every class', () => {
    assert.deepEqual(parseKubernetesServeArgs([]).gatewayClasses, []);
    assert.deepEqual(
      parseKubernetesServeArgs(['--gateway-class', 'internal', '--gateway-class=external.example.com'])
        .gatewayClasses,
      ['internal', 'external.example.com'],
    );
  });

  test('a name that cannot be a GatewayClass is a usage error', () => {
    const expected = usageError('--gateway-class must be a GatewayClass name, not "Internal"');
    assert.throws(() => parseKubernetesServeArgs(['--gateway-class', 'Internal']), {
      message: expected.message,
    });
  });
});
