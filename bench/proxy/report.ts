// Turns the interleaved rounds of the proxy benchmark into markdown tables: medians, ranges, ratios, goals.

export const targets = ['direct', 'nginx', 'bare-node', 'sluice'] as const;
export type Target = (typeof targets)[number];

/** The goals the project set for one Sluice process (see docs/performance.md). */
export const goals = { minThroughputRatio: 0.5, maxAddedP50Ms: 0.15 };

export interface Sample {
  requestCase: string;
  connections: number;
  target: Target;
  round: number;
  requestsPerSecond: number;
  p50Us: number;
  p99Us: number;
  errors: number;
  /**
   * During the run: the proxy process's CPU in percent of one core (absent for direct), and how busy each core
   * was in percent (every process and interrupt work included).
   */
  cpu: { proxy?: number; cores: number[] };
}

export interface ReportShape {
  requestCases: readonly string[];
  targets: readonly Target[];
  /** The connection count of the throughput runs; latency runs always use 1. */
  connections: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The p50 a target adds over direct at one connection: the median of per-round differences, because rounds are
 * interleaved and a paired difference cancels the drift of a shared machine between rounds.
 */
export function addedP50Us(samples: readonly Sample[], requestCase: string, target: Target): number {
  const latency = samples.filter((sample) => sample.requestCase === requestCase && sample.connections === 1);
  const differences: number[] = [];
  for (const sample of latency.filter((candidate) => candidate.target === target)) {
    const direct = latency.find(
      (candidate) => candidate.target === 'direct' && candidate.round === sample.round,
    );
    if (direct) differences.push(sample.p50Us - direct.p50Us);
  }
  return median(differences);
}

export function renderReport(samples: readonly Sample[], shape: ReportShape): string {
  return [throughputTable(samples, shape), latencyTable(samples, shape), goalTable(samples, shape)]
    .filter((table) => table !== '')
    .join('\n\n');
}

function throughputTable(samples: readonly Sample[], shape: ReportShape): string {
  const rows = [
    `Throughput at ${shape.connections} connections (median of rounds; req/s range in brackets; proxy CPU in % of ` +
      'one core; req per CPU-s = requests per second of proxy CPU time; cores busy = each core in %, whoever used it)',
    '',
    '| request | path | req/s | p50 | p99 | proxy CPU | req per CPU-s | cores busy | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const requestCase of shape.requestCases) {
    for (const target of shape.targets) {
      const runs = select(samples, requestCase, shape.connections, target);
      if (runs.length === 0) continue;
      const rps = runs.map((run) => run.requestsPerSecond);
      const proxyCpu = runs.flatMap((run) => (run.cpu.proxy === undefined ? [] : [run.cpu.proxy]));
      const efficiency = requestsPerCpuSecond(runs);
      rows.push(
        `| ${requestCase} | ${target} | ${count(median(rps))} (${count(Math.min(...rps))}–${count(Math.max(...rps))}) | ` +
          `${ms(median(runs.map((run) => run.p50Us)))} | ${ms(median(runs.map((run) => run.p99Us)))} | ` +
          `${proxyCpu.length === 0 ? '–' : percent(median(proxyCpu))} | ` +
          `${Number.isNaN(efficiency) ? '–' : count(efficiency)} | ${coresBusy(runs)} | ` +
          `${sum(runs.map((run) => run.errors))} |`,
      );
    }
  }
  return rows.join('\n');
}

function latencyTable(samples: readonly Sample[], shape: ReportShape): string {
  const rows = [
    'Latency at 1 connection (median of rounds; added p50 = median of per-round differences to direct)',
    '',
    '| request | path | req/s | p50 | p99 | added p50 | errors |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const requestCase of shape.requestCases) {
    for (const target of shape.targets) {
      const runs = select(samples, requestCase, 1, target);
      if (runs.length === 0) continue;
      const added = target === 'direct' ? '–' : signedMs(addedP50Us(samples, requestCase, target));
      rows.push(
        `| ${requestCase} | ${target} | ${count(median(runs.map((run) => run.requestsPerSecond)))} | ` +
          `${ms(median(runs.map((run) => run.p50Us)))} | ${ms(median(runs.map((run) => run.p99Us)))} | ${added} | ` +
          `${sum(runs.map((run) => run.errors))} |`,
      );
    }
  }
  return rows.join('\n');
}

function goalTable(samples: readonly Sample[], shape: ReportShape): string {
  if (
    !shape.targets.includes('sluice') ||
    !shape.targets.includes('nginx') ||
    !shape.targets.includes('direct')
  ) {
    return '';
  }
  const rows = [
    `Sluice against nginx and the goals (req/s at ${shape.connections} connections ≥ ` +
      `${goals.minThroughputRatio * 100} % of nginx; added p50 at 1 connection ≤ ${goals.maxAddedP50Ms} ms)`,
    '',
    '| request | Sluice/nginx req/s | Sluice/nginx req per CPU-s | Sluice/nginx p99 | Sluice/bare-node req/s | ' +
      'added p50 Sluice | added p50 nginx | added p50 bare-node | throughput goal | latency goal |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const requestCase of shape.requestCases) {
    const sluice = select(samples, requestCase, shape.connections, 'sluice');
    const nginx = select(samples, requestCase, shape.connections, 'nginx');
    if (sluice.length === 0 || nginx.length === 0) continue;
    const throughputRatio =
      median(sluice.map((run) => run.requestsPerSecond)) / median(nginx.map((run) => run.requestsPerSecond));
    const p99Ratio = median(sluice.map((run) => run.p99Us)) / median(nginx.map((run) => run.p99Us));
    const bare = select(samples, requestCase, shape.connections, 'bare-node');
    const bareRatio =
      bare.length === 0
        ? '–'
        : (
            median(sluice.map((run) => run.requestsPerSecond)) /
            median(bare.map((run) => run.requestsPerSecond))
          ).toFixed(2);
    const sluiceAdded = addedP50Us(samples, requestCase, 'sluice');
    rows.push(
      `| ${requestCase} | ${throughputRatio.toFixed(2)} | ` +
        `${(requestsPerCpuSecond(sluice) / requestsPerCpuSecond(nginx)).toFixed(2)} | ${p99Ratio.toFixed(2)} | ${bareRatio} | ` +
        `${signedMs(sluiceAdded)} | ${signedMs(addedP50Us(samples, requestCase, 'nginx'))} | ` +
        `${signedMs(addedP50Us(samples, requestCase, 'bare-node'))} | ` +
        `${throughputRatio >= goals.minThroughputRatio ? 'met' : 'missed'} | ` +
        `${sluiceAdded / 1000 <= goals.maxAddedP50Ms ? 'met' : 'missed'} |`,
    );
  }
  return rows.join('\n');
}

/**
 * Requests served per second of the proxy's own CPU time (median over runs): what the proxy costs per request,
 * which stays comparable when other work on a shared machine takes CPU away from it.
 */
export function requestsPerCpuSecond(runs: readonly Sample[]): number {
  const values = runs.flatMap((run) =>
    run.cpu.proxy === undefined || run.cpu.proxy <= 0 ? [] : [(run.requestsPerSecond * 100) / run.cpu.proxy],
  );
  return median(values);
}

/** The median busy share of each core, as `92 / 80 %`. */
function coresBusy(runs: readonly Sample[]): string {
  const cores = runs[0].cpu.cores.map((_, index) => median(runs.map((run) => run.cpu.cores[index] ?? 0)));
  return `${cores.map((value) => Math.round(value)).join(' / ')} %`;
}

function select(
  samples: readonly Sample[],
  requestCase: string,
  connections: number,
  target: Target,
): Sample[] {
  return samples.filter(
    (sample) =>
      sample.requestCase === requestCase && sample.connections === connections && sample.target === target,
  );
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function ms(microseconds: number): string {
  return `${(microseconds / 1000).toFixed(3)} ms`;
}

function signedMs(microseconds: number): string {
  if (Number.isNaN(microseconds)) return '–';
  return `${microseconds >= 0 ? '+' : '−'}${Math.abs(microseconds / 1000).toFixed(3)} ms`;
}

function percent(value: number): string {
  return `${Math.round(value)} %`;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
