import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SluiceError } from '../../errors.ts';
import {
  defaultEndpointPickerConfig,
  defaultEndpointPickerConfigText,
  parseEndpointPickerConfig,
  referenceEndpointPickerConfigText,
} from './config.ts';

const examples = new URL('../../../examples/picker/', import.meta.url);
const header = 'apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\n';

/** The problem lines of a configuration that must not load. */
function problems(text: string): string[] {
  try {
    parseEndpointPickerConfig(text, 'picker.yaml');
  } catch (error) {
    assert.ok(error instanceof SluiceError, String(error));
    return error.message.split('\n');
  }
  assert.fail('the configuration loaded');
}

describe('EndpointPickerConfig', () => {
  it("defaults to Sluice's profile: bounded load, prefix affinity that yields to prefill load", () => {
    const config = defaultEndpointPickerConfig();
    assert.deepEqual(config.profile, {
      name: 'default',
      filters: ['bounded-load-filter'],
      scorers: [
        { pluginRef: 'prefix-cache-scorer', weight: 1 },
        { pluginRef: 'prefill-load-scorer', weight: 4 },
        { pluginRef: 'queue-scorer', weight: 1 },
        { pluginRef: 'kv-cache-utilization-scorer', weight: 1 },
      ],
      picker: 'max-score-picker',
    });
    assert.deepEqual(config.plugins.get('prefix-cache-scorer')?.parameters, { learnFromCachedTokens: true });
    assert.equal(config.flowControl.enabled, false);
    assert.equal(config.saturation.queueDepthThreshold, 5);
    assert.equal(config.metricsSource.path, '/metrics');
    assert.equal(config.engines.defaultEngine, 'vllm');
    assert.deepEqual(
      parseEndpointPickerConfig('').profile,
      config.profile,
      'an empty file means the defaults',
    );
  });

  it('ships the default as examples/picker/default.yaml', () => {
    const shipped = parseEndpointPickerConfig(readFileSync(new URL('default.yaml', examples), 'utf8'));
    assert.deepEqual(shipped.profile, parseEndpointPickerConfig(defaultEndpointPickerConfigText).profile);
  });

  it('ships the reference profile, queue ×2, KV-cache ×2, prefix ×3, as examples/picker/reference.yaml', () => {
    const shipped = parseEndpointPickerConfig(readFileSync(new URL('reference.yaml', examples), 'utf8'));
    const reference = parseEndpointPickerConfig(referenceEndpointPickerConfigText);
    assert.deepEqual(shipped.profile, reference.profile);
    assert.deepEqual(reference.profile, {
      name: 'default',
      filters: [],
      scorers: [
        { pluginRef: 'queue-scorer', weight: 2 },
        { pluginRef: 'kv-cache-utilization-scorer', weight: 2 },
        { pluginRef: 'prefix-cache-scorer', weight: 3 },
      ],
      picker: 'max-score-picker',
    });
  });

  it('loads every example', () => {
    for (const file of readdirSync(examples)) {
      assert.doesNotThrow(
        () => parseEndpointPickerConfig(readFileSync(new URL(file, examples), 'utf8'), file),
        file,
      );
    }
  });

  it('applies upstream defaults: names from types, weight 1, every plugin in the profile, a picker added', () => {
    const config = parseEndpointPickerConfig(
      `${header}plugins:\n  - type: queue-scorer\n  - name: f\n    type: utilization-detector\n`,
    );
    assert.deepEqual(config.profile, {
      name: 'default',
      filters: ['f'],
      scorers: [{ pluginRef: 'queue-scorer', weight: 1 }],
      picker: 'max-score-picker',
    });
  });

  it('reads the flow-control block, the saturation detector and engine mappings', () => {
    const flow = parseEndpointPickerConfig(readFileSync(new URL('flow-control.yaml', examples), 'utf8'));
    assert.equal(flow.flowControl.enabled, true);
    assert.equal(flow.flowControl.maxRequests, 2000);
    assert.equal(flow.flowControl.defaultRequestTTLMs, 20_000);
    assert.deepEqual(flow.flowControl.defaultBand, {
      maxRequests: Infinity,
      maxBytes: 500e6,
      fairness: 'round-robin',
    });
    assert.deepEqual(flow.flowControl.bands.get(100), {
      maxRequests: 500,
      maxBytes: 500e6,
      fairness: 'global-strict',
    });
    const engines = parseEndpointPickerConfig(
      readFileSync(new URL('sglang-engines.yaml', examples), 'utf8'),
    ).engines;
    assert.equal(engines.defaultEngine, 'sglang');
    assert.deepEqual(engines.byName.get('my-engine')?.kvUsage, {
      name: 'my_engine_kv',
      labels: { kind: 'fraction' },
    });
  });

  it('names file, line and field of every problem at once', () => {
    const lines = problems(`${header}plugins:
  - type: queue-scorer
    parameters:
      weight: 2
  - type: prefix-cache-scorer
    parameters:
      lruCapacityPerServer: lots
  - type: no-such-scorer
schedulingProfiles:
  - name: default
    plugins:
      - pluginRef: missing
      - pluginRef: prefix-cache-scorer
        weight: -1
`);
    assert.deepEqual(lines, [
      'picker.yaml:6: plugins[0].parameters.weight: unknown field for queue-scorer (it takes none)',
      'picker.yaml:9: plugins[1].parameters.lruCapacityPerServer: must be an integer, not "lots"',
      lines[2],
      'picker.yaml:14: schedulingProfiles[0].plugins[0].pluginRef: "missing" names no plugin in the plugins list',
      'picker.yaml:16: schedulingProfiles[0].plugins[1].weight: must be at least 0, not -1',
    ]);
    assert.match(
      lines[2],
      /^picker\.yaml:10: plugins\[2\]\.type: unknown plugin type "no-such-scorer" \(known: .*queue-scorer/,
    );
  });

  it('rejects what Sluice would otherwise silently ignore', () => {
    assert.match(problems('kind: EndpointPickerConfig\n')[0], /apiVersion: must be one of/);
    assert.match(
      problems(`${header}flowControl: {maxRequests: 10}\n`)[0],
      /flowControl: is only honoured with featureGates/,
    );
    assert.match(
      problems(`${header}featureGates: [magic]\n`)[0],
      /featureGates\[0\]: unknown feature gate "magic"/,
    );
    assert.match(problems(`${header}extra: 1\n`)[0], /extra: unknown field for EndpointPickerConfig/);
    assert.match(
      problems(`${header}plugins: [{type: queue-scorer}, {type: max-score-picker}]
schedulingProfiles: [{name: a, plugins: [{pluginRef: max-score-picker, weight: 2}]}]\n`)[0],
      /weight: only scorers take a weight; max-score-picker is a picker/,
    );
    assert.match(
      problems(`${header}plugins: [{type: random-picker}, {type: max-score-picker}]
schedulingProfiles: [{name: a, plugins: [{pluginRef: random-picker}, {pluginRef: max-score-picker}]}]\n`)[0],
      /plugins\[1\]: a profile has exactly one picker/,
    );
    assert.match(
      problems(
        `${header}schedulingProfiles: [{name: prefill, plugins: []}, {name: decode, plugins: []}]\n`,
      )[0],
      /schedulingProfiles\[1\]: Sluice runs a single scheduling profile/,
    );
    assert.match(
      problems(`${header}plugins: [{type: queue-scorer}, {type: queue-scorer}]\n`)[0],
      /plugins\[1\]\.name: "queue-scorer" names two plugins/,
    );
    assert.match(
      problems(
        `${header}saturationDetector: {pluginRef: queue-scorer}\nplugins: [{type: queue-scorer}]\n`,
      )[0],
      /saturationDetector\.pluginRef: must name a plugin of type utilization-detector/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    assert.throws(
      () => parseEndpointPickerConfig(`${header}plugins: [\n`, 'bad.yaml'),
      (error: unknown) =>
        error instanceof SluiceError &&
        error.code === 'config_parse_error' &&
        /^bad\.yaml:\d+:/.test(error.message),
    );
  });
});
