// The scheduling micro-benchmark's markdown report: the setup, one row per strategy, the ratio to the
// baseline and the goal (p99 under 200 µs for 64 endpoints and a warm index of 1M blocks).

import type { DecisionStats, PickerBenchResult } from './measure.ts';

export const goalP99Us = 200;

export interface RunContext {
  machine: string;
  node: string;
  loadBefore: string;
  loadAfter: string;
  seconds: number;
}

const us = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const count = (value: number) => value.toLocaleString('en-US');

function row(stats: DecisionStats): string {
  return `| ${stats.strategy} | ${count(stats.decisions)} | ${us(stats.meanUs)} | ${us(stats.p50Us)} | ${us(stats.p90Us)} | ${us(stats.p99Us)} | ${us(stats.maxUs)} | ${us(stats.cpuMeanUs)} |`;
}

export function renderPickerReport(result: PickerBenchResult, context: RunContext): string[] {
  const { options } = result;
  const [subject, reference] = result.strategies;
  // A short run may be charged no CPU tick at all (see DecisionStats.cpuMeanUs): no ratio then.
  const ratio = (pick: (stats: DecisionStats) => number) =>
    pick(reference) > 0 ? `×${(pick(subject) / pick(reference)).toFixed(1)}` : '–';
  const met = subject.p99Us < goalP99Us;
  return [
    `Scheduling decision micro-benchmark: ${options.endpoints} endpoints, ${count(result.indexBlocks)} prefix-index blocks when timing starts`,
    '',
    `- machine: ${context.machine}; ${context.node}; load average ${context.loadBefore} → ${context.loadAfter}; ${context.seconds.toFixed(0)} s`,
    `- requests: chat, system prompt ${options.systemTokens} tokens shared by a group, question ${options.questionTokens} tokens; ${result.blocksPerRequest.toFixed(0)} blocks of ${result.blockChars} characters hashed per request`,
    `- warm-up: ${count(result.warmupRequests)} requests over ${count(result.warmGroups)} groups; most blocks on one endpoint ${count(result.maxBlocksPerEndpoint)} of ${count(result.lruCapacityPerEndpoint)}; heap left by the warm-up ${(result.indexHeapBytes / 2 ** 20).toFixed(0)} MiB (${(result.indexHeapBytes / result.indexBlocks).toFixed(0)} bytes a block)`,
    `- timed: ${options.rounds} interleaved rounds; ${options.inFlight} requests in flight; metrics refreshed every ${options.scrapeEvery} decisions; ${(options.newGroupShare * 100).toFixed(0)} % of requests open a new group`,
    '',
    `- profiles: ${subject.strategy} = ${subject.source}; ${reference.strategy} = ${reference.source}`,
    '',
    '| strategy | decisions | mean µs | p50 µs | p90 µs | p99 µs | max µs | CPU µs per decision |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row(subject),
    row(reference),
    '',
    `${subject.strategy} / ${reference.strategy}: p50 ${ratio((stats) => stats.p50Us)}, p99 ${ratio((stats) => stats.p99Us)}, CPU ${ratio((stats) => stats.cpuMeanUs)}.`,
    `Goal (issue 5): p99 under ${goalP99Us} µs — ${met ? 'met' : 'not met'} (${us(subject.p99Us)} µs).`,
  ];
}
