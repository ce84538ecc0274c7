// Test helpers for the picker: endpoints with chosen metrics, requests with chosen fields, plugin instances.

import { formatPath } from '../resources/field-path.ts';
import { ManualClock } from '../sim/clock.ts';
import type { Clock } from './clock.ts';
import { type Endpoint, type EndpointMetrics, newEndpoint, unknownMetrics } from './datalayer/endpoint.ts';
import { schedulingRequest } from './requestcontrol/request.ts';
import { ConfigProblem, Params } from './scheduling/params.ts';
import { findPluginType, type PluginKind, pluginTypeNames } from './scheduling/registry.ts';
import type { Plugin, SchedulingRequest } from './scheduling/types.ts';

/** An endpoint `10.0.0.<n>:8000` whose metrics are fresh at time 0 unless `updatedAt` says otherwise. */
export function testEndpoint(n: number, metrics: Partial<EndpointMetrics> = {}): Endpoint {
  const endpoint = newEndpoint({ address: `10.0.0.${n}`, port: 8000, name: `pod-${n}` });
  endpoint.metrics = { ...unknownMetrics, updatedAt: 0, ...metrics };
  return endpoint;
}

export function testRequest(fields: Partial<SchedulingRequest> = {}): SchedulingRequest {
  return { ...schedulingRequest({ model: 'llama', prompt: 'hello' }), id: 'request-1', ...fields };
}

/** One instance of a registered plugin type, made as a config file would make it. */
export function testPlugin(
  type: string,
  parameters?: Record<string, unknown>,
  clock: Clock = new ManualClock(),
): Plugin {
  const pluginType = findPluginType(type);
  if (pluginType === undefined) throw new Error(`no plugin type ${type}`);
  return pluginType.configure(new Params(parameters, ['parameters']))(type, { clock });
}

/** Every registered plugin type of a kind, for the shared behaviour suites. */
export function pluginTypesOfKind(kind: PluginKind): string[] {
  return pluginTypeNames().filter((type) => findPluginType(type)?.kinds.includes(kind));
}

/** An `assert.throws` matcher for a ConfigProblem at `path` whose message matches `message`. */
export function configProblem(path: string, message: RegExp): (error: unknown) => boolean {
  return (error) =>
    error instanceof ConfigProblem && formatPath(error.path) === path && message.test(error.message);
}
