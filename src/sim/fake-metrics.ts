// Fake metrics: pinned or animated values for the load gauges, so a picker can be tested against known signals.
//
// The format is llm-d-inference-sim's `fake-metrics` JSON: `running-requests`, `waiting-requests` and
// `kv-cache-usage` are a number or `fn:start:end:period` (oscillate, ramp, rampreset, squarewave; the
// period is a Go duration and runs on simulated time), and `loras` lists `lora_requests_info` series
// as `{running, waiting, timestamp}`. Values not given keep coming from the engine.

import { SluiceError } from '../errors.ts';
import { parseGoDuration } from './echo.ts';

export interface FakeLoraSeries {
  running: string;
  waiting: string;
  timestamp: number;
}

export interface FakeMetrics {
  running?: (nowMs: number) => number;
  waiting?: (nowMs: number) => number;
  kvUsage?: (nowMs: number) => number;
  loras?: FakeLoraSeries[];
}

const shapes: Record<string, (start: number, end: number, phase: number) => number> = {
  oscillate: (start, end, phase) => start + ((end - start) * (1 - Math.cos(2 * Math.PI * phase))) / 2,
  ramp: (start, end, phase) => start + (end - start) * phase,
  rampreset: (start, end, phase) => start + (end - start) * phase,
  squarewave: (start, end, phase) => (phase < 0.5 ? start : end),
};

function invalid(reason: string): SluiceError {
  return new SluiceError('sim_invalid_config', { reason: `fake metrics: ${reason}` });
}

function parseValue(key: string, value: unknown, max: number): ((nowMs: number) => number) | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (value < 0 || value > max) throw invalid(`${key} must be between 0 and ${max}`);
    return () => value;
  }
  const parts = typeof value === 'string' ? value.split(':') : [];
  const shape = shapes[parts[0]];
  const start = Number(parts[1]);
  const end = Number(parts[2]);
  const period = parseGoDuration(parts[3] ?? '');
  if (
    parts.length !== 4 ||
    shape === undefined ||
    !Number.isFinite(start) ||
    !Number.isFinite(end) ||
    !period
  ) {
    throw invalid(
      `${key} must be a number or fn:start:end:period with fn one of ${Object.keys(shapes).join(', ')}`,
    );
  }
  if (Math.min(start, end) < 0 || Math.max(start, end) > max)
    throw invalid(`${key} must stay between 0 and ${max}`);
  const once = parts[0] === 'ramp';
  return (nowMs) => {
    const phase = once ? Math.min(1, nowMs / period) : (nowMs % period) / period;
    return shape(start, end, phase);
  };
}

function parseLoras(value: unknown): FakeLoraSeries[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid('loras must be a list of {running, waiting, timestamp}');
  return value.map((entry: unknown) => {
    const series = (typeof entry === 'string' ? JSON.parse(entry) : entry) as Record<string, unknown>;
    const { running = '', waiting = '', timestamp = Date.now() / 1000 } = series ?? {};
    if (typeof running !== 'string' || typeof waiting !== 'string' || typeof timestamp !== 'number') {
      throw invalid('each loras entry needs running and waiting as comma lists and a numeric timestamp');
    }
    return { running, waiting, timestamp };
  });
}

/** Parses the fake-metrics JSON object (already decoded). */
export function parseFakeMetrics(config: unknown): FakeMetrics {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw invalid('expected a JSON object');
  const fields = config as Record<string, unknown>;
  const known = new Set(['running-requests', 'waiting-requests', 'kv-cache-usage', 'loras']);
  for (const key of Object.keys(fields)) if (!known.has(key)) throw invalid(`unknown field ${key}`);
  return {
    running: parseValue('running-requests', fields['running-requests'], Number.MAX_SAFE_INTEGER),
    waiting: parseValue('waiting-requests', fields['waiting-requests'], Number.MAX_SAFE_INTEGER),
    kvUsage: parseValue('kv-cache-usage', fields['kv-cache-usage'], 1),
    loras: parseLoras(fields.loras),
  };
}
