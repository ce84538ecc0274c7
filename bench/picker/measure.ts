// Times single scheduling decisions as the data plane makes them — build the SchedulingRequest, admit,
// run the profile, run the PreRequest hooks — on a pool whose prefix index was warmed first, against a
// baseline profile in the same process, in interleaved rounds.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { builtinStrategies, type Strategy } from '../../src/bench/strategies.ts';
import { EndpointPicker, type Pick } from '../../src/inference/picker.ts';
import { type BlockHash, charactersPerToken, prefixBlockHashes } from '../../src/inference/prefix/hash.ts';
import { type InferenceRequest, schedulingRequest } from '../../src/inference/requestcontrol/request.ts';
import { parseEndpointPickerConfig } from '../../src/inference/scheduling/config.ts';
import { prefixCacheDefaults } from '../../src/inference/scheduling/scorers/prefix-cache.ts';
import { ManualClock } from '../../src/sim/clock.ts';
import { percentile } from '../streaming/sluice-under-test.ts';
import { cacheBlockSize, cacheNumBlocks, model, PickerWorkload, type WorkloadShape } from './workload.ts';

export interface PickerBenchOptions extends WorkloadShape {
  /** Prefix-index entries to reach before timing. */
  blocks: number;
  /** Groups of requests sharing a system prompt during the warm-up. */
  groups: number;
  /** Timed decisions per strategy. */
  decisions: number;
  rounds: number;
  /** Requests kept open (picked, not yet finished) at any time, as a busy pool has. */
  inFlight: number;
  /** Decisions between two metric refreshes (a 50 ms scrape at a few thousand requests per second). */
  scrapeEvery: number;
  /** Share of timed requests that open a new group (a prefix the index has never seen). */
  newGroupShare: number;
  /** Untimed decisions per strategy before the rounds, so both run optimised code. */
  jitWarmup: number;
}

export interface DecisionStats {
  strategy: string;
  source: string;
  decisions: number;
  /** Elapsed time per decision: what a request waits for it, preemption by other processes included. */
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  /**
   * The thread's CPU time per decision, on average: the decision's own cost whatever else runs. Linux
   * charges CPU time in scheduler ticks, so only the mean over many decisions is meaningful.
   */
  cpuMeanUs: number;
}

export interface PickerBenchResult {
  options: PickerBenchOptions;
  /** Requests sent through the measured picker to warm its index. */
  warmupRequests: number;
  /** Groups the warm-up touched (the timed requests revisit these). */
  warmGroups: number;
  /** Prefix-index entries (block × endpoint) when timing starts, and the most on one endpoint. */
  indexBlocks: number;
  maxBlocksPerEndpoint: number;
  lruCapacityPerEndpoint: number;
  /** Blocks hashed per request (mean), and the characters per block. */
  blocksPerRequest: number;
  blockChars: number;
  /** Heap the warm-up left behind (the index, chiefly), after a full collection. */
  indexHeapBytes: number;
  /** The measured strategy first, the baseline second. */
  strategies: [DecisionStats, DecisionStats];
}

const requestBatch = 256;

export const measured: Strategy = builtinStrategies.sluice;
export const baseline: Strategy = builtinStrategies['round-robin'];

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function usedHeap(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** One strategy's pool: its picker, the requests it holds open, and its timings. */
class PoolUnderTest {
  readonly strategy: Strategy;
  readonly picker: EndpointPicker;
  readonly #workload: PickerWorkload;
  readonly #clock: ManualClock;
  readonly #options: PickerBenchOptions;
  readonly #open: Pick[] = [];
  readonly elapsedUs: number[] = [];
  cpuUs = 0;
  #decisions = 0;

  constructor(strategy: Strategy, workload: PickerWorkload, clock: ManualClock, options: PickerBenchOptions) {
    this.strategy = strategy;
    this.#workload = workload;
    this.#clock = clock;
    this.#options = options;
    this.picker = new EndpointPicker({
      pool: `bench/${strategy.name}`,
      config: parseEndpointPickerConfig(strategy.pickerConfig, strategy.source),
      clock,
    });
    this.picker.setEndpoints(workload.endpointSpecs());
  }

  /** One decision; returns the primary endpoint. Timed when `timed`. */
  async decide(input: InferenceRequest, timed: boolean): Promise<string> {
    if (this.#decisions++ % this.#options.scrapeEvery === 0)
      this.#workload.scrape(this.picker.endpoints.list(), this.#clock.now());
    const cpuStart = process.threadCpuUsage();
    const start = process.hrtime.bigint();
    const pick = await this.picker.schedule(schedulingRequest(input));
    const elapsed = process.hrtime.bigint() - start;
    const cpu = process.threadCpuUsage(cpuStart);
    if (timed) {
      this.elapsedUs.push(Number(elapsed) / 1000);
      this.cpuUs += cpu.user + cpu.system;
    }
    this.#open.push(pick);
    if (this.#open.length > this.#options.inFlight) finish(this.#open.shift());
    return pick.endpoints[0].id;
  }

  async close(): Promise<void> {
    for (const pick of this.#open.splice(0)) finish(pick);
    await this.picker.close();
  }
}

/** Ends a request as the data plane does when its primary answered. */
function finish(pick: Pick | undefined): void {
  if (pick === undefined) return;
  pick.finish({ servedEndpoint: pick.endpoints[0].id, status: 200, completionTokens: 100 });
}

function stats(pool: PoolUnderTest): DecisionStats {
  const sorted = Float64Array.from(pool.elapsedUs).sort();
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    strategy: pool.strategy.name,
    source: pool.strategy.source,
    decisions: sorted.length,
    meanUs: sum / sorted.length,
    p50Us: percentile(sorted, 0.5),
    p90Us: percentile(sorted, 0.9),
    p99Us: percentile(sorted, 0.99),
    maxUs: sorted[sorted.length - 1] ?? Number.NaN,
    cpuMeanUs: pool.cpuUs / sorted.length,
  };
}

export async function measurePicker(
  options: PickerBenchOptions,
  progress: (line: string) => void = () => {},
): Promise<PickerBenchResult> {
  const workload = new PickerWorkload(options);
  const clock = new ManualClock();
  const subject = new PoolUnderTest(measured, workload, clock, options);
  const reference = new PoolUnderTest(baseline, workload, clock, options);
  // The engine reports its block size (autoTune), so blocks are that many tokens' worth of characters.
  const blockChars = cacheBlockSize * charactersPerToken;
  const hashOptions = { blockChars, maxBlocks: prefixCacheDefaults.maxPrefixBlocksToMatch };

  // Warm the measured pool's index through its own decisions. The entries are counted from the side
  // (the same hashes, per chosen endpoint), because the index is private to its scorer.
  workload.prepareGroups(options.groups);
  const heapBefore = usedHeap();
  const held = new Map<string, Set<BlockHash>>();
  let indexBlocks = 0;
  let hashed = 0;
  let warmupRequests = 0;
  while (indexBlocks < options.blocks) {
    const input = workload.request(warmupRequests % options.groups);
    const endpoint = await subject.decide(input, false);
    const hashes = prefixBlockHashes(input.prompt, model, hashOptions);
    hashed += hashes.length;
    let blocks = held.get(endpoint);
    if (blocks === undefined) {
      blocks = new Set();
      held.set(endpoint, blocks);
    }
    for (const hash of hashes) {
      if (blocks.has(hash)) continue;
      blocks.add(hash);
      indexBlocks++;
    }
    warmupRequests++;
    if (warmupRequests % 2000 === 0) progress(`warm-up: ${warmupRequests} requests, ${indexBlocks} blocks`);
  }
  const maxBlocksPerEndpoint = Math.max(...[...held.values()].map((blocks) => blocks.size));
  held.clear();
  const indexHeapBytes = usedHeap() - heapBefore;
  const warmGroups = Math.min(options.groups, warmupRequests);

  let nextGroup = warmGroups;
  const groupFor = () =>
    workload.next() < options.newGroupShare ? nextGroup++ : Math.floor(workload.next() * warmGroups);
  // Requests are written a batch ahead of their decisions, so the garbage of writing them (a 16 kB body
  // each, parsed) is mostly collected while writing, not in the middle of a timed decision.
  const decideBatches = async (pool: PoolUnderTest, count: number, timed: boolean) => {
    for (let done = 0; done < count; ) {
      const batch = Array.from({ length: Math.min(requestBatch, count - done) }, () =>
        workload.request(groupFor()),
      );
      for (const input of batch) await pool.decide(input, timed);
      done += batch.length;
    }
  };
  for (const pool of [subject, reference]) await decideBatches(pool, options.jitWarmup, false);

  for (let round = 0; round < options.rounds; round++) {
    // The pool that goes first alternates, so neither always runs on a freshly collected heap.
    const order = round % 2 === 0 ? [subject, reference] : [reference, subject];
    for (const pool of order) {
      const share = Math.floor((options.decisions * (round + 1)) / options.rounds) - pool.elapsedUs.length;
      await decideBatches(pool, share, true);
    }
    progress(`round ${round + 1}/${options.rounds} done`);
  }
  await subject.close();
  await reference.close();

  return {
    options,
    warmupRequests,
    warmGroups,
    indexBlocks,
    maxBlocksPerEndpoint,
    lruCapacityPerEndpoint: cacheNumBlocks,
    blocksPerRequest: hashed / warmupRequests,
    blockChars,
    indexHeapBytes,
    strategies: [stats(subject), stats(reference)],
  };
}
