import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newEndpoint } from '../../datalayer/endpoint.ts';
import { EndpointPicker } from '../../picker.ts';
import { configProblem, testPlugin, testRequest } from '../../testkit.ts';
import { parseEndpointPickerConfig } from '../config.ts';
import { type Filter, isFilter } from '../types.ts';
import { endpointSelectionHeader } from './header-based-testing.ts';

const filter = ((): Filter => {
  const plugin = testPlugin('header-based-testing-filter');
  assert.ok(isFilter(plugin));
  return plugin;
})();

/** Three data-parallel pods: every address serves on ports 3000, 3002 and 3004. */
const endpoints = ['10.0.0.1', '10.0.0.2', 'fd00::3'].flatMap((address) =>
  [3000, 3002, 3004].map((port) => newEndpoint({ address, port })),
);

function kept(header: string | undefined): string[] {
  const headers: Record<string, string> = header === undefined ? {} : { [endpointSelectionHeader]: header };
  return filter.filter(testRequest({ headers }), endpoints, new Map()).map((endpoint) => endpoint.id);
}

describe('header-based-testing-filter', () => {
  it('keeps every endpoint when the request does not steer', () => {
    assert.equal(kept(undefined).length, endpoints.length);
    assert.equal(kept(' ').length, endpoints.length);
  });

  it('selects every port of an address named alone', () => {
    assert.deepEqual(kept('10.0.0.2'), ['10.0.0.2:3000', '10.0.0.2:3002', '10.0.0.2:3004']);
  });

  it('selects only the named port of an address:port', () => {
    assert.deepEqual(kept('10.0.0.1:3002'), ['10.0.0.1:3002']);
    assert.deepEqual(kept('10.0.0.1:9999'), []);
  });

  it('reads a comma-separated list with spaces, keeping the pool order', () => {
    assert.deepEqual(kept('10.0.0.2:3004, 10.0.0.1:3000 ,10.0.0.2:3004'), ['10.0.0.1:3000', '10.0.0.2:3004']);
    assert.deepEqual(kept('10.0.0.1:3000,10.0.0.1:3004'), ['10.0.0.1:3000', '10.0.0.1:3004']);
  });

  it('reads IPv6 addresses bare, bracketed, and bracketed with a port', () => {
    assert.deepEqual(kept('[fd00::3]:3002'), ['[fd00::3]:3002']);
    assert.equal(kept('fd00::3').length, 3);
    assert.equal(kept('[fd00::3]').length, 3);
  });

  it('leaves nothing when the header names no endpoint of the pool', () => {
    assert.deepEqual(kept('10.0.0.99'), []);
    assert.deepEqual(kept(','), []);
  });

  it('takes no parameters', () => {
    assert.throws(
      () => testPlugin('header-based-testing-filter', { header: 'x' }),
      configProblem('parameters.header', /unknown field/),
    );
  });
});

describe('the endpoint selection header through a pool picker', () => {
  const specs = [1, 2, 3].map((n) => ({ address: `10.0.0.${n}`, port: 8000 }));
  const steered = testRequest({ headers: { [endpointSelectionHeader]: '10.0.0.3' } });

  it('decides the pick when the pool configuration lists the filter', async () => {
    const picker = new EndpointPicker({
      pool: 'conformance/primary',
      config: parseEndpointPickerConfig(`apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
  - type: header-based-testing-filter
`),
    });
    picker.setEndpoints(specs);
    for (let i = 0; i < 20; i++) {
      const pick = picker.pick(steered);
      assert.equal(pick.destination, '10.0.0.3:8000');
      pick.finish();
    }
    await picker.close();
  });

  it('is ignored by a pool whose configuration does not list it', async () => {
    const picker = new EndpointPicker({
      pool: 'default/llama',
      config: parseEndpointPickerConfig(`apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
  - type: random-picker
`),
    });
    picker.setEndpoints(specs);
    const chosen = new Set<string>();
    // Uniformly random over three endpoints: all three show up in 100 picks but for a 3 × (2/3)^100 chance.
    for (let i = 0; i < 100; i++) {
      const pick = picker.pick(steered);
      chosen.add(pick.destination);
      pick.finish();
    }
    assert.equal(chosen.size, 3);
    await picker.close();
  });
});
