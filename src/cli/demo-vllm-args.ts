// A Pod's vLLM command line (its container's args), read into the options of the simulator `sluice demo`
// starts for that Pod, so an example's Pods read like real vLLM Pods and the simulator serves what they say.
//
// Only flags that change what a client sees are read: the served name, LoRA adapters, the runner and the
// engine limits a client can hit. The rest (ports, parallelism, memory) mean nothing to a simulator.

import { type ReplicaOptions, replicaFields } from '../sim/options.ts';

/** vLLM flags and the simulator option each one sets. */
const simulatedFlags: Record<string, string> = {
  '--served-model-name': 'model',
  '--enable-lora': 'enableLora',
  '--lora-modules': 'loraModules',
  '--max-loras': 'maxLoras',
  '--max-model-len': 'maxModelLen',
  '--runner': 'runner',
};

/** A `--lora-modules` value: `name=path`, or vLLM's JSON form `{"name": …, "path": …}`. */
function loraModule(value: string): unknown {
  if (!value.startsWith('{')) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Simulator options from vLLM's arguments (`[MODEL] --flag value… --flag=value`). A flag takes every value up
 * to the next flag (vLLM's `--lora-modules` and `--served-model-name` take several); the served name is the
 * first of `--served-model-name`, else the model. `where` names the Pod in error messages.
 */
export function vllmArgsOptions(args: readonly string[], where: string): Partial<ReplicaOptions> {
  const flags = new Map<string, string[]>();
  let model = args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined;
  let current: string[] | undefined;
  for (const arg of model === undefined ? args : args.slice(1)) {
    if (arg.startsWith('--')) {
      const at = arg.indexOf('=');
      current = at < 0 ? [] : [arg.slice(at + 1)];
      flags.set(at < 0 ? arg : arg.slice(0, at), current);
    } else {
      current?.push(arg);
    }
  }
  model = flags.get('--model')?.[0] ?? model;
  const fields: Record<string, unknown> = { model };
  for (const [flag, values] of flags) {
    const option = simulatedFlags[flag];
    if (option === undefined) continue;
    if (option === 'enableLora') fields.enableLora = values[0] ?? true;
    else if (option === 'loraModules') fields.loraModules = values.map(loraModule);
    else fields[option] = values[0];
  }
  return replicaFields(fields, where);
}
