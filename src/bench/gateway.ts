// `sluice serve` for the benchmark: a child process on generated manifests, ready once the admin API says
// so and the listener answers; the pool's picker configuration is switched by rewriting its manifest.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { SluiceError } from '../errors.ts';
import { gatewayManifests, poolId, poolManifests, type Replica } from './manifests.ts';
import { BenchProcess, logField } from './processes.ts';
import { minimalPickerConfig } from './strategies.ts';

const startTimeoutMs = 60_000;
const applyTimeoutMs = 20_000;
const pollMs = 50;

export interface GatewaySetup {
  /** Where the manifests and the log go. */
  folder: string;
  address: string;
  port: number;
  replicas: readonly Replica[];
  replicaPort: number;
}

async function getJson(url: string): Promise<unknown> {
  const response = await request(url, { headersTimeout: 2_000, bodyTimeout: 2_000 });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`${url} answered ${response.statusCode}`);
  }
  return response.body.json();
}

function failed(reason: string): SluiceError {
  return new SluiceError('bench_failed', { reason });
}

export class BenchGateway {
  readonly url: string;
  readonly #setup: GatewaySetup;
  readonly #process: BenchProcess;
  readonly #admin: string;
  #resets = 0;

  private constructor(setup: GatewaySetup, process: BenchProcess, admin: string) {
    this.#setup = setup;
    this.#process = process;
    this.#admin = `http://${admin}`;
    this.url = `http://${setup.address}:${setup.port}`;
  }

  get pid(): number {
    return this.#process.pid;
  }

  /** Starts serving the pool with Sluice's default profile; resolves once requests can be sent. */
  static async start(setup: GatewaySetup): Promise<BenchGateway> {
    const configDir = join(setup.folder, 'manifests');
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'gateway.yaml'), gatewayManifests(setup.address, setup.port));
    await writeFile(join(configDir, 'pool.yaml'), poolManifests(setup.replicas, setup.replicaPort, ''));
    const serve = await BenchProcess.startSluice(
      'sluice serve',
      ['serve', '--config', configDir, '--admin-address', '127.0.0.1:0'],
      { logFile: join(setup.folder, 'serve.log') },
    );
    try {
      const admin = await serve.waitForLine(
        (line) => logField(line, 'admin listening', 'address'),
        startTimeoutMs,
      );
      const gateway = new BenchGateway(setup, serve, admin);
      await gateway.#until('the gateway to load its configuration', startTimeoutMs, () =>
        gateway.#applied(''),
      );
      await gateway.#until('the gateway listener to answer', startTimeoutMs, async () => {
        const response = await request(`${gateway.url}/v1/models`, { headersTimeout: 2_000 });
        await response.body.dump();
        return true;
      });
      return gateway;
    } catch (error) {
      await serve.stop();
      throw error;
    }
  }

  /**
   * Serves the pool with `pickerConfig` ('' = the default profile) on a picker built for this call: a
   * different configuration goes in between, so nothing a previous run taught the picker (prefix index,
   * in-flight counts) carries over even when the same strategy runs again.
   */
  async usePickerConfig(pickerConfig: string): Promise<void> {
    this.#resets++;
    const interim = `# sluice bench: a fresh picker for the next run (${this.#resets})\n${pickerConfig || minimalPickerConfig}`;
    for (const text of [interim, pickerConfig]) {
      await this.#writePool(text);
      await this.#until('the gateway to apply the picker configuration', applyTimeoutMs, () =>
        this.#applied(text),
      );
    }
  }

  stop(): Promise<void> {
    return this.#process.stop();
  }

  async #writePool(pickerConfig: string): Promise<void> {
    const folder = join(this.#setup.folder, 'manifests');
    // Written aside and renamed, so the file watcher never loads half a file.
    await writeFile(
      join(folder, '.pool.yaml.tmp'),
      poolManifests(this.#setup.replicas, this.#setup.replicaPort, pickerConfig),
    );
    await rename(join(folder, '.pool.yaml.tmp'), join(folder, 'pool.yaml'));
  }

  /** True once the served IR has the pool with every replica and exactly this picker configuration. */
  async #applied(pickerConfig: string): Promise<boolean> {
    const config = (await getJson(`${this.#admin}/api/v1/config`)) as {
      ir?: { pools?: Record<string, { pickerConfig?: string; endpoints?: unknown[] }> } | null;
    };
    const pool = config.ir?.pools?.[poolId];
    return pool?.pickerConfig === pickerConfig && pool.endpoints?.length === this.#setup.replicas.length;
  }

  async #until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let problem = 'not yet';
    while (Date.now() < deadline) {
      if (!this.#process.alive)
        throw failed(`sluice serve exited while waiting for ${what}:\n${this.#process.logTail()}`);
      try {
        if (await check()) return;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      await sleep(pollMs);
    }
    throw failed(`timed out waiting for ${what} (${problem}); ${await this.#problems()}`);
  }

  /** What the admin API says is wrong, for an error message. */
  async #problems(): Promise<string> {
    try {
      const problems = (await getJson(`${this.#admin}/api/v1/problems`)) as {
        items?: { message?: string }[];
      };
      const pools = (await getJson(`${this.#admin}/api/v1/objects?kind=InferencePool`)) as {
        items?: {
          status?: { parents?: { conditions?: { type: string; status: string; message?: string }[] }[] };
        }[];
      };
      const conditions = (pools.items ?? []).flatMap((pool) =>
        (pool.status?.parents ?? []).flatMap((parent) => parent.conditions ?? []),
      );
      const messages = [
        ...(problems.items ?? []).map((problem) => problem.message ?? ''),
        ...conditions
          .filter((condition) => condition.status !== 'True')
          .map((condition) => condition.message ?? ''),
      ].filter((message) => message !== '');
      return messages.length > 0 ? `problems: ${messages.join('; ')}` : 'the admin API reports no problem';
    } catch (error) {
      return `the admin API did not answer (${error instanceof Error ? error.message : String(error)})`;
    }
  }
}
