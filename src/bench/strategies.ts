// Routing strategies the benchmark compares: each is the EndpointPickerConfig the pool runs with.

import { readFileSync } from 'node:fs';
import { SluiceError } from '../errors.ts';
import {
  parseEndpointPickerConfig,
  referenceEndpointPickerConfigText,
} from '../inference/scheduling/config.ts';

export interface Strategy {
  name: string;
  /** The pool's EndpointPickerConfig text; '' runs the pool without one, on Sluice's default profile. */
  pickerConfig: string;
  /** Where the configuration came from, for the results. */
  source: string;
}

/** The shortest valid configuration: no plugins, so a profile with no scorer and a max-score picker. */
export const minimalPickerConfig =
  'apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\n';

/** A configuration whose one profile is one picker, no scorer. */
function pickerOnly(picker: string): string {
  return `${minimalPickerConfig}plugins:\n  - type: ${picker}\nschedulingProfiles:\n  - name: default\n    plugins:\n      - pluginRef: ${picker}\n`;
}

export const builtinStrategies: Readonly<Record<string, Strategy>> = {
  // Every endpoint in turn, no metric consulted: what a Kubernetes Service in front of the replicas does.
  'round-robin': { name: 'round-robin', pickerConfig: pickerOnly('round-robin-picker'), source: 'built in' },
  random: { name: 'random', pickerConfig: pickerOnly('random-picker'), source: 'built in' },
  // The Inference Extension's and llm-d's default profile, the scheduler Sluice's default has to beat.
  reference: {
    name: 'reference',
    pickerConfig: referenceEndpointPickerConfigText,
    source: 'the Inference Extension reference profile',
  },
  // Whatever Sluice does for a pool that names no configuration, so the benchmark follows the default.
  sluice: { name: 'sluice', pickerConfig: '', source: "Sluice's default profile" },
};

/** The baseline every figure is compared with. */
export const baselineStrategy = 'round-robin';

/** `NAME=FILE` of `--picker-config`: the file is read and validated now, so a bad one fails before any run. */
export function strategyFromFlag(value: string): Strategy {
  const at = value.indexOf('=');
  const name = value.slice(0, at);
  const file = value.slice(at + 1);
  if (at < 1 || file === '' || !/^[a-z0-9][a-z0-9.-]*$/.test(name)) {
    throw new SluiceError('cli_usage', {
      reason: `--picker-config takes NAME=FILE with a lower-case NAME, not "${value}"`,
    });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SluiceError('cli_usage', {
      reason: `--picker-config ${name}: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  try {
    parseEndpointPickerConfig(text, file);
  } catch (error) {
    throw new SluiceError('cli_usage', {
      reason: `--picker-config ${name}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return { name, pickerConfig: text, source: file };
}

/** The strategies to run, in order: `names` among the built-in and the `--picker-config` ones. */
export function selectStrategies(names: readonly string[], custom: readonly Strategy[]): Strategy[] {
  const known = new Map<string, Strategy>(Object.entries(builtinStrategies));
  for (const strategy of custom) known.set(strategy.name, strategy);
  const chosen = names.length > 0 ? names : [...Object.keys(builtinStrategies), ...custom.map((s) => s.name)];
  return [...new Set(chosen)].map((name) => {
    const strategy = known.get(name);
    if (strategy === undefined) {
      throw new SluiceError('cli_usage', {
        reason: `unknown strategy "${name}"; known: ${[...known.keys()].join(', ')}`,
      });
    }
    return strategy;
  });
}
