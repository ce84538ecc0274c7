// One benchmark: the gateway and the replicas started, then every workload under every strategy — fresh
// replicas and a fresh picker each time — with the figures gathered per stage and compared to the baseline.

import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { cpuSnapshot, cpuUsed } from './cpu.ts';
import { driveWorkload, type StageRun } from './driver.ts';
import { type Figures, figuresOf, ratiosTo } from './figures.ts';
import { BenchGateway } from './gateway.ts';
import { checkGoals, loadPointReached } from './goals.ts';
import { prefixHitBound } from './hit-bound.ts';
import { freePort } from './ports.ts';
import { countersBetween, type EngineCounters, scrapeEngines, sumCounters } from './replica-metrics.ts';
import { type FleetMode, type RunningFleet, startReplicas } from './replicas.ts';
import type { BenchResults, StrategyResult, WorkloadResult } from './results.ts';
import { baselineStrategy, type Strategy } from './strategies.ts';
import type { Workload } from './workload.ts';

export interface BenchSettings {
  command: string;
  workloads: Workload[];
  strategies: Strategy[];
  replicas: number;
  profile: string;
  /** Tokens per KV block of the profile's engine (the hit bound hashes blocks of this size). */
  blockSize: number;
  /** KV-cache size per replica, when not the profile's. */
  numGpuBlocks?: number;
  loras: string[];
  maxLoras?: number;
  timeScale: number;
  fleet: FleetMode;
  seed: number;
  requestTimeoutMs: number;
  /** Wall milliseconds the whole benchmark may take; then it stops and reports what it has. */
  deadlineMs: number;
  /** Keep the temporary folder (manifests, logs). */
  keep: boolean;
  /**
   * Run the baseline first and stop raising its QPS at the goal's load point (p90 TTFT 5× the first
   * stage's); the other strategies then run the stages it ran.
   */
  sweep: boolean;
}

const gatewayAddress = '127.0.90.1';
const firstReplicaAddress = '127.0.91.1';
/** Wall time for the new picker to scrape every replica before traffic starts (it scrapes every 50 ms). */
const settleMs = 500;

function nthAddress(first: string, offset: number): string {
  const octets = first.split('.').map(Number);
  octets[3] += offset;
  return octets.join('.');
}

export async function runBenchmark(
  settings: BenchSettings,
  progress: (line: string) => void,
  interrupt: AbortSignal,
): Promise<BenchResults> {
  const started = new Date();
  const loadAverageBefore = loadavg();
  const signal = AbortSignal.any([interrupt, AbortSignal.timeout(settings.deadlineMs)]);
  const folder = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const replicaAddresses = Array.from({ length: settings.replicas }, (_, i) =>
    nthAddress(firstReplicaAddress, i),
  );
  const replicaPort = await freePort(replicaAddresses);
  const replicas = replicaAddresses.map((address, index) => ({ pod: `sluice-sim-${index}`, address }));
  let gateway: BenchGateway | undefined;
  let fleet: RunningFleet | undefined;
  let pool: Pool | undefined;
  const workloads: WorkloadResult[] = [];
  try {
    progress(`starting sluice serve (manifests and logs in ${folder})`);
    gateway = await BenchGateway.start({
      folder,
      address: gatewayAddress,
      port: await freePort([gatewayAddress]),
      replicas,
      replicaPort,
    });
    pool = new Pool(gateway.url, { connections: 4096, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
    // A sweep finds its load point with the baseline, so the baseline goes first.
    const strategies = settings.sweep
      ? [...settings.strategies].sort(
          (a, b) => Number(b.name === baselineStrategy) - Number(a.name === baselineStrategy),
        )
      : settings.strategies;
    for (const planned of settings.workloads) {
      let workload = planned;
      const result: WorkloadResult = {
        name: workload.name,
        parameters: workload.parameters,
        stages: workload.stages,
        plannedRequests: workload.requests.length,
        strategies: [],
        goals: null,
      };
      workloads.push(result);
      for (const strategy of strategies) {
        if (signal.aborted) break;
        progress(`${workload.name} / ${strategy.name}: ${workload.requests.length} requests`);
        fleet = await startReplicas({
          mode: settings.fleet,
          count: settings.replicas,
          firstAddress: firstReplicaAddress,
          port: replicaPort,
          profile: settings.profile,
          seed: settings.seed,
          timeScale: settings.timeScale,
          numGpuBlocks: settings.numGpuBlocks,
          loras: settings.loras,
          maxLoras: settings.maxLoras,
          folder,
        });
        await gateway.usePickerConfig(strategy.pickerConfig);
        await sleep(settleMs);
        const sweeping = settings.sweep && strategy.name === baselineStrategy;
        const strategyResult = await runStrategy(settings, workload, strategy, {
          fleet,
          gatewayPid: gateway.pid,
          pool,
          signal,
          progress,
          stopAtLoadPoint: sweeping,
        });
        result.strategies.push(strategyResult);
        await fleet.stop();
        fleet = undefined;
        if (sweeping && strategyResult.stages.length < workload.stages.length && !signal.aborted) {
          workload = firstStages(workload, strategyResult.stages.length);
          result.stages = workload.stages;
          result.plannedRequests = workload.requests.length;
          progress(`  load point reached at ${workload.stages.at(-1)?.qps} QPS; the others run these stages`);
        }
      }
    }
  } finally {
    await fleet?.stop();
    await pool?.close();
    await gateway?.stop();
    if (!settings.keep) await rm(folder, { recursive: true, force: true });
  }
  for (const workload of workloads) compareToBaseline(workload);
  const finished = new Date();
  return {
    tool: 'sluice bench',
    command: settings.command,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    wallSeconds: (finished.getTime() - started.getTime()) / 1000,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageBefore,
      loadAverageAfter: loadavg(),
    },
    settings: {
      replicas: settings.replicas,
      profile: settings.profile,
      numGpuBlocks: settings.numGpuBlocks ?? null,
      maxLoras: settings.maxLoras ?? null,
      timeScale: settings.timeScale,
      fleet: settings.fleet,
      seed: settings.seed,
      requestTimeoutSeconds: settings.requestTimeoutMs / 1000,
      baseline: baselineStrategy,
      sweep: settings.sweep,
    },
    workloads,
    ...(signal.aborted && {
      stoppedEarly: interrupt.aborted
        ? 'interrupted'
        : `the deadline of ${settings.deadlineMs / 1000} s passed`,
    }),
  };
}

/** What a run works with, besides the settings. */
interface RunContext {
  fleet: RunningFleet;
  gatewayPid: number;
  pool: Pool;
  signal: AbortSignal;
  progress: (line: string) => void;
  /** Stop after the stage where the goal's load point is reached (the sweep's baseline run). */
  stopAtLoadPoint: boolean;
}

async function runStrategy(
  settings: BenchSettings,
  workload: Workload,
  strategy: Strategy,
  { fleet, gatewayPid, pool, signal, progress, stopAtLoadPoint }: RunContext,
): Promise<StrategyResult> {
  const urls = fleet.replicas.map((replica) => replica.url);
  const before = loadavg();
  const pids = { gateway: gatewayPid, replicas: fleet.pid, benchmark: process.pid };
  const cpuBefore = cpuSnapshot(pids);
  const wallBefore = performance.now();
  const counters: { start?: EngineCounters; end?: EngineCounters }[] = [];
  const between = (stage: number) =>
    countersBetween(counters[stage].start as EngineCounters, counters[stage].end as EngineCounters);
  const stageFigures = (run: StageRun): Figures =>
    figuresOf([run], between(run.stage), settings.timeScale, workload.stages[run.stage]);
  const runs = await driveWorkload(workload, {
    pool,
    timeScale: settings.timeScale,
    requestTimeoutMs: settings.requestTimeoutMs,
    signal,
    async onStage(stage, edge) {
      counters[stage] ??= {};
      counters[stage][edge] = await scrapeEngines(urls);
      if (edge === 'end') progress(`  stage ${stage + 1}/${workload.stages.length} done`);
    },
    continueAfter: (done) => !stopAtLoadPoint || !loadPointReached(done.map(stageFigures)),
  });
  const cpu = cpuUsed(cpuBefore, cpuSnapshot(pids));
  const stageCounters = runs.map(({ stage }) => between(stage));
  return {
    strategy: strategy.name,
    source: strategy.source,
    pickerConfig: strategy.pickerConfig,
    loadAverage: { before, after: loadavg() },
    cpuSeconds: {
      ...cpu,
      // An in-process fleet's time is inside the benchmark's own.
      replicas: fleet.pid === process.pid ? null : cpu.replicas,
      wall: (performance.now() - wallBefore) / 1000,
    },
    overall: figuresOf(runs, sumCounters(stageCounters), settings.timeScale, null),
    stages: runs.map(stageFigures),
    ratios: null,
    prefixCacheHitRateBound: prefixHitBound(
      runs.flatMap((run) =>
        run.records.map((record) => ({ call: record.call, answer: record.result.answer })),
      ),
      new Set(settings.loras),
      settings.blockSize,
    ),
  };
}

/** The workload cut to its first `count` stages (arrivals and prompts of those stages do not change). */
function firstStages(workload: Workload, count: number): Workload {
  return {
    ...workload,
    stages: workload.stages.slice(0, count),
    requests: workload.requests.filter((request) => request.stage < count),
  };
}

/** Fills in every strategy's ratios to the baseline and the goal check, when the baseline ran. */
function compareToBaseline(workload: WorkloadResult): void {
  const baseline = workload.strategies.find((result) => result.strategy === baselineStrategy);
  if (baseline === undefined) return;
  workload.goals = checkGoals(workload, baselineStrategy);
  for (const result of workload.strategies) {
    if (result === baseline) continue;
    result.ratios = {
      overall: ratiosTo(result.overall, baseline.overall),
      stages: result.stages.map((figures, index) => {
        const base = baseline.stages[index];
        return base === undefined ? null : ratiosTo(figures, base);
      }),
    };
  }
}
