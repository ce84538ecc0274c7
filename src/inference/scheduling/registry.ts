// The plugin registry: every plugin type a scheduling profile can name, by its `type` string.

import { builtinPluginTypes } from './builtins.ts';
import type { Params } from './params.ts';
import type { Plugin, PluginContext } from './types.ts';

export type PluginKind = 'filter' | 'scorer' | 'picker' | 'profile-handler';

export interface PluginType {
  /** The `type` written in EndpointPickerConfig, e.g. `queue-scorer`. */
  type: string;
  kinds: readonly PluginKind[];
  /**
   * Validates the `parameters` (throwing a ConfigProblem that names the field) and returns how to make
   * one instance. Instances are made per pool, so stateful plugins never share state across pools.
   */
  configure(parameters: Params): (name: string, context: PluginContext) => Plugin;
}

const types = new Map<string, PluginType>(
  builtinPluginTypes.map((pluginType) => [pluginType.type, pluginType]),
);

/** Adds a plugin type; a second type with the same name is a programming error. */
export function registerPluginType(pluginType: PluginType): void {
  if (types.has(pluginType.type)) throw new Error(`plugin type ${pluginType.type} is already registered`);
  types.set(pluginType.type, pluginType);
}

export function findPluginType(type: string): PluginType | undefined {
  return types.get(type);
}

export function pluginTypeNames(): string[] {
  return [...types.keys()].sort();
}
