// Summarises a V8 .cpuprofile (node --cpu-prof): the hottest functions by self and inclusive time, and time by area.

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

const usage = `Usage: npx node bench/profile-top.ts PROFILE.cpuprofile [--top N]

Prints, over the busy time of the profile (idle excluded): the functions with the most self time, the
project functions (src/) with the most inclusive time, and self time grouped by area (project, undici,
node internals, garbage collection, other).`;

const repositoryRoot = new URL('..', import.meta.url).pathname;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function readProfile(path: string): Profile {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof raw !== 'object' || raw === null) throw new Error(`${path} is not a CPU profile`);
  const { nodes, samples, timeDeltas } = raw as Record<string, unknown>;
  if (!Array.isArray(nodes) || !Array.isArray(samples) || !Array.isArray(timeDeltas)) {
    throw new Error(`${path} has no nodes, samples and timeDeltas`);
  }
  return { nodes: nodes as ProfileNode[], samples: samples as number[], timeDeltas: timeDeltas as number[] };
}

/** Where a frame lives, readable: `src/dataplane/x.ts:42`, `undici/lib/…:10`, `node:internal/…:5`. */
function location(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (url === '') return '';
  const undiciAt = url.indexOf('node_modules/undici/');
  const shown =
    undiciAt >= 0
      ? url.slice(undiciAt + 'node_modules/'.length)
      : url.startsWith('/')
        ? relative(repositoryRoot, url)
        : url;
  return `${shown}:${frame.lineNumber + 1}`;
}

function functionKey(frame: CallFrame): string {
  const where = location(frame);
  return where === '' ? frame.functionName : `${frame.functionName || '(anonymous)'} ${where}`;
}

function area(frame: CallFrame): string {
  const url = frame.url;
  if (frame.functionName === '(garbage collector)') return 'garbage collection';
  if (url.includes('node_modules/undici/')) return 'undici';
  if (url.includes('/src/')) return 'project (src/)';
  if (url.startsWith('node:')) return 'node internals (JS)';
  if (url === '') return `native / ${frame.functionName}`;
  return 'other JS';
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, help: { type: 'boolean', default: false } },
  });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(`${usage}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const top = Number(values.top);
  const profile = readProfile(positionals[0]);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });

  let busy = 0;
  const selfByFunction = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const inclusiveByProjectFunction = new Map<string, number>();
  for (const [id, micros] of selfTime) {
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === '(idle)') continue;
    busy += micros;
    const key = functionKey(node.callFrame);
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + micros);
    const group = area(node.callFrame);
    selfByArea.set(group, (selfByArea.get(group) ?? 0) + micros);
    // Count each project function once per stack, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || !frame.url.includes('/src/')) continue;
      const projectKey = functionKey(frame);
      if (seen.has(projectKey)) continue;
      seen.add(projectKey);
      inclusiveByProjectFunction.set(projectKey, (inclusiveByProjectFunction.get(projectKey) ?? 0) + micros);
    }
  }

  const total = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  process.stdout.write(`busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s profiled\n\n`);
  printTable('self time by area', selfByArea, busy, 20);
  printTable('self time by function', selfByFunction, busy, top);
  printTable('inclusive time of project functions (src/)', inclusiveByProjectFunction, busy, top);
}

function printTable(title: string, times: Map<string, number>, busy: number, limit: number): void {
  const lines = [`| ${title} | % of busy |`, '|---|---:|'];
  const rows = [...times].sort((a, b) => b[1] - a[1]).slice(0, limit);
  for (const [name, micros] of rows) {
    lines.push(`| ${name.replaceAll('|', '\\|')} | ${((micros * 100) / busy).toFixed(1)} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main();
