// InferencePools in the data plane: one endpoint picker per pool id, kept across IR swaps while the pool
// stays (its scraped metrics, prefix index and in-flight counts survive), rebuilt when its picker
// configuration changes, closed once the IR no longer lists it. Likewise the models its servers list.

import type { Dispatcher } from 'undici';
import { endpointId } from '../../inference/datalayer/endpoint.ts';
import { EndpointPicker } from '../../inference/picker.ts';
import { type EndpointPickerConfig, parseEndpointPickerConfig } from '../../inference/scheduling/config.ts';
import type { IRInferencePool } from '../../ir/types.ts';
import { PoolMeter } from '../../observability/inference-metrics.ts';
import type { log } from '../../observability/log.ts';
import type { UpstreamEndpoint } from '../forward/clusters.ts';
import type { PoolRegistry } from '../forward/pools.ts';
import { type CompiledRewrite, compileRewrites } from './rewrite.ts';
import { ServedModels } from './served-models.ts';

/** A pool as one IR serves it; requests keep the one they started with. */
export interface PoolRuntime {
  id: string;
  picker: EndpointPicker;
  /** InferenceObjective name → priority. */
  objectives: ReadonlyMap<string, number>;
  rewrites: readonly CompiledRewrite[];
  /** The models the pool's servers list, with their base models (learned for `x-gateway-base-model-name`). */
  servedModels: ServedModels;
  /** Connection pools of the endpoints, by endpoint id (`address:port`). */
  upstreams: ReadonlyMap<string, UpstreamEndpoint>;
}

interface LivePicker {
  configText: string;
  picker: EndpointPicker;
}

export class InferencePools {
  readonly #log: typeof log;
  readonly #live = new Map<string, LivePicker>();
  readonly #servedModels = new Map<string, ServedModels>();
  /** Pickers replaced or removed by the last compile, closed once the new IR serves. */
  #retired: EndpointPicker[] = [];
  #retiredModels: ServedModels[] = [];

  constructor(logger: typeof log) {
    this.#log = logger;
  }

  /** The picker serving a pool now (admin views, tests). */
  picker(id: string): EndpointPicker | undefined {
    return this.#live.get(id)?.picker;
  }

  /**
   * Brings the pickers in line with the IR's pools and compiles each pool; every connection pool
   * acquired is added to `inUse`. Call `commit` after the swap.
   */
  compile(
    pools: Readonly<Record<string, IRInferencePool>>,
    connections: PoolRegistry,
    inUse: Set<Dispatcher>,
  ): Map<string, PoolRuntime> {
    const compiled = new Map<string, PoolRuntime>();
    for (const [id, pool] of Object.entries(pools)) {
      const picker = this.#picker(id, pool.pickerConfig);
      picker.setEndpoints(
        pool.endpoints.map(({ address, port, name, labels }) => ({ address, port, name, labels })),
      );
      const upstreams = new Map<string, UpstreamEndpoint>();
      for (const { address, port } of pool.endpoints) {
        const upstream = connections.acquire({ protocol: pool.protocol, address, port });
        inUse.add(upstream.dispatcher);
        upstreams.set(endpointId(address, port), upstream);
      }
      const servedModels = this.#servedModelsOf(id);
      servedModels.setEndpoints(
        pool.endpoints.map(({ address, port }) => ({ id: endpointId(address, port), address, port })),
      );
      compiled.set(id, {
        id,
        picker,
        objectives: new Map(Object.entries(pool.objectives)),
        rewrites: compileRewrites(pool.modelRewrites),
        servedModels,
        upstreams,
      });
    }
    for (const [id, live] of this.#live) {
      if (pools[id] !== undefined) continue;
      this.#live.delete(id);
      this.#retired.push(live.picker);
    }
    for (const [id, servedModels] of this.#servedModels) {
      if (pools[id] !== undefined) continue;
      this.#servedModels.delete(id);
      this.#retiredModels.push(servedModels);
    }
    return compiled;
  }

  /** Stops the pickers the last compile retired; requests they still serve finish normally. */
  commit(): void {
    for (const picker of this.#retired) this.#close(picker);
    for (const servedModels of this.#retiredModels) void servedModels.close();
    this.#retired = [];
    this.#retiredModels = [];
  }

  async close(): Promise<void> {
    const pickers = [...this.#retired, ...[...this.#live.values()].map((live) => live.picker)];
    const servedModels = [...this.#retiredModels, ...this.#servedModels.values()];
    this.#retired = [];
    this.#retiredModels = [];
    this.#live.clear();
    this.#servedModels.clear();
    await Promise.all([
      ...pickers.map((picker) => this.#close(picker)),
      ...servedModels.map((models) => models.close()),
    ]);
  }

  #servedModelsOf(id: string): ServedModels {
    let servedModels = this.#servedModels.get(id);
    if (servedModels === undefined) {
      servedModels = new ServedModels(id, this.#log);
      this.#servedModels.set(id, servedModels);
    }
    return servedModels;
  }

  #picker(id: string, configText: string): EndpointPicker {
    const live = this.#live.get(id);
    if (live !== undefined && live.configText === configText) return live.picker;
    const config = this.#config(id, configText, live !== undefined);
    // A configuration that does not load never replaces one that serves.
    if (config === undefined && live !== undefined) return live.picker;
    const picker = new EndpointPicker({ pool: id, config });
    picker.start();
    // The pool's gauges (ready pods, queue, KV use) exist from the start, not from its first request.
    PoolMeter.for(picker);
    if (live !== undefined) this.#retired.push(live.picker);
    this.#live.set(id, { configText, picker });
    return picker;
  }

  /** Undefined: the text does not load (the translator validates it, so this is a last guard). */
  #config(id: string, text: string, serving: boolean): EndpointPickerConfig | undefined {
    try {
      return parseEndpointPickerConfig(text, `InferencePool ${id}`);
    } catch (error) {
      this.#log.warn('inference pool picker configuration does not load', {
        pool: id,
        error: error instanceof Error ? error.message : String(error),
        keeps: serving ? 'the configuration it serves with' : 'the default configuration',
      });
      return undefined;
    }
  }

  #close(picker: EndpointPicker): Promise<void> {
    return picker
      .close()
      .catch((error: unknown) =>
        this.#log.warn('inference pool picker did not close cleanly', { pool: picker.pool, error }),
      );
  }
}
