import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configProblem, pluginTypesOfKind, testEndpoint, testPlugin } from '../../testkit.ts';
import { isPicker, type Picker, type ScoredEndpoint } from '../types.ts';

function picker(type: string, parameters?: Record<string, unknown>): Picker {
  const plugin = testPlugin(type, parameters);
  assert.ok(isPicker(plugin), `${type} is a picker`);
  return plugin;
}

function scored(...scores: number[]): ScoredEndpoint[] {
  return scores.map((score, index) => ({ endpoint: testEndpoint(index + 1), score, scores: {} }));
}

const names = (endpoints: { name: string }[]) => endpoints.map((endpoint) => endpoint.name);

describe('every picker (shared behaviour)', () => {
  for (const type of pluginTypesOfKind('picker')) {
    describe(type, () => {
      it('picks one endpoint by default, from the candidates', () => {
        const candidates = scored(0.2, 0.9, 0.5);
        for (let round = 0; round < 20; round++) {
          const picked = picker(type).pick(candidates, new Map());
          assert.equal(picked.length, 1);
          assert.ok(candidates.some((candidate) => candidate.endpoint === picked[0]));
        }
      });

      it('returns up to maxNumOfEndpoints distinct endpoints as fallbacks', () => {
        const candidates = scored(0.2, 0.9, 0.5);
        const three = picker(type, { maxNumOfEndpoints: 3 }).pick(candidates, new Map());
        assert.equal(new Set(three).size, 3);
        assert.equal(picker(type, { maxNumOfEndpoints: 5 }).pick(candidates, new Map()).length, 3);
      });

      it('picks nothing from no candidates, and does not reorder its input', () => {
        assert.deepEqual(picker(type).pick([], new Map()), []);
        const candidates = scored(0.1, 0.2);
        const before = [...candidates];
        picker(type, { maxNumOfEndpoints: 2 }).pick(candidates, new Map());
        assert.deepEqual(candidates, before);
      });

      it('validates maxNumOfEndpoints', () => {
        assert.throws(
          () => testPlugin(type, { maxNumOfEndpoints: 0 }),
          configProblem('parameters.maxNumOfEndpoints', /at least 1/),
        );
      });
    });
  }
});

describe('max-score-picker', () => {
  it('orders by total score, breaking ties at random', () => {
    assert.deepEqual(
      names(picker('max-score-picker', { maxNumOfEndpoints: 3 }).pick(scored(0.2, 0.9, 0.5), new Map())),
      ['pod-2', 'pod-3', 'pod-1'],
    );
    const firsts = new Set<string>();
    for (let round = 0; round < 200; round++)
      firsts.add(picker('max-score-picker').pick(scored(1, 1, 0), new Map())[0].name);
    assert.deepEqual([...firsts].sort(), ['pod-1', 'pod-2']);
  });
});

describe('round-robin-picker', () => {
  it('starts one candidate further along on every pick, whatever the scores', () => {
    const instance = picker('round-robin-picker', { maxNumOfEndpoints: 2 });
    const candidates = scored(0, 1, 0);
    const picks = [1, 2, 3, 4].map(() => names(instance.pick(candidates, new Map())).join('+'));
    assert.deepEqual(picks, ['pod-1+pod-2', 'pod-2+pod-3', 'pod-3+pod-1', 'pod-1+pod-2']);
  });
});

describe('random pickers', () => {
  it('random-picker reaches every candidate', () => {
    const seen = new Set<string>();
    for (let round = 0; round < 200; round++)
      seen.add(picker('random-picker').pick(scored(0, 0, 1), new Map())[0].name);
    assert.equal(seen.size, 3);
  });

  it('weighted-random-picker never puts a zero score before a positive one, and is uniform when all are zero', () => {
    const seen = new Set<string>();
    for (let round = 0; round < 200; round++) {
      const picked = picker('weighted-random-picker', { maxNumOfEndpoints: 3 }).pick(
        scored(0, 0.3, 0.7),
        new Map(),
      );
      assert.equal(picked[2].name, 'pod-1');
      seen.add(picked[0].name);
    }
    assert.deepEqual([...seen].sort(), ['pod-2', 'pod-3'], 'both positive scores get picked first sometimes');
    const uniform = new Set<string>();
    for (let round = 0; round < 200; round++)
      uniform.add(picker('weighted-random-picker').pick(scored(0, 0, 0), new Map())[0].name);
    assert.equal(uniform.size, 3);
  });
});
