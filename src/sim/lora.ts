// LoRA adapters: the ones loaded into the server (named by requests' `model`) and the GPU slots they occupy.
//
// Like vLLM, an adapter is registered by --lora-modules or POST /v1/load_lora_adapter, and a batch may
// use at most `max_loras` distinct adapters (the scheduler enforces that). The GPU holds `max_loras`
// adapters; a step that needs one that is not resident pays the load latency and evicts the least
// recently used adapter that the step does not use.

export interface LoraAdapter {
  name: string;
  path: string;
  loadedAt: number;
}

export class LoraRegistry {
  readonly #adapters = new Map<string, LoraAdapter>();

  /** Returns false if an adapter of that name is already loaded. */
  load(name: string, path: string): boolean {
    if (this.#adapters.has(name)) return false;
    this.#adapters.set(name, { name, path, loadedAt: Math.floor(Date.now() / 1000) });
    return true;
  }

  /** Returns false if no adapter of that name is loaded. */
  unload(name: string): boolean {
    return this.#adapters.delete(name);
  }

  has(name: string): boolean {
    return this.#adapters.has(name);
  }

  list(): LoraAdapter[] {
    return [...this.#adapters.values()];
  }
}

export class LoraSlots {
  readonly maxLoras: number;
  /** Resident adapters, least recently used first. */
  #resident: string[] = [];

  constructor(maxLoras: number) {
    this.maxLoras = maxLoras;
  }

  /** Makes the step's adapters resident and most recently used; returns how many had to be loaded. */
  activate(adapters: ReadonlySet<string>): number {
    let loads = 0;
    for (const name of adapters) {
      const index = this.#resident.indexOf(name);
      if (index >= 0) {
        this.#resident.splice(index, 1);
      } else {
        loads++;
        if (this.#resident.length >= this.maxLoras) {
          const victim = this.#resident.findIndex((resident) => !adapters.has(resident));
          this.#resident.splice(victim, 1);
        }
      }
      this.#resident.push(name);
    }
    return loads;
  }

  evict(name: string): void {
    this.#resident = this.#resident.filter((resident) => resident !== name);
  }
}
