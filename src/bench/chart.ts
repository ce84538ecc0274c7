// The SVG chart of a workload: TTFT p90 (log scale) against offered QPS, one line per strategy.

import type { WorkloadResult } from './results.ts';

const width = 640;
const height = 400;
const margin = { left: 70, right: 150, top: 40, bottom: 50 };
const palette = ['#d62728', '#7f7f7f', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char,
  );
}

function tickLabel(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

export function renderChart(workload: WorkloadResult): string {
  const series = workload.strategies.map((result, index) => ({
    name: result.strategy,
    color: palette[index % palette.length],
    points: workload.stages.flatMap((stage, stageIndex) => {
      const ttft = result.stages[stageIndex]?.ttftMs.p90;
      return ttft === null || ttft === undefined || ttft <= 0 ? [] : [{ qps: stage.qps, ttft }];
    }),
  }));
  const all = series.flatMap((line) => line.points);
  const maxQps = Math.max(1e-9, ...workload.stages.map((stage) => stage.qps)) * 1.05;
  const lowDecade = Math.floor(Math.log10(Math.min(...all.map((point) => point.ttft), 1000)));
  const highDecade = Math.max(
    lowDecade + 1,
    Math.ceil(Math.log10(Math.max(...all.map((point) => point.ttft), 1))),
  );
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const x = (qps: number) => margin.left + (qps / maxQps) * plotWidth;
  const y = (ms: number) =>
    margin.top + plotHeight - ((Math.log10(ms) - lowDecade) / (highDecade - lowDecade)) * plotHeight;

  const title = `${escapeXml(workload.name)}: TTFT p90 against offered load`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${title}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="22" font-size="14" font-weight="bold">${title}</text>`,
  ];
  for (let decade = lowDecade; decade <= highDecade; decade++) {
    const ms = 10 ** decade;
    for (const minor of decade < highDecade ? [2, 5] : []) {
      const at = y(ms * minor).toFixed(1);
      parts.push(
        `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${at}" y2="${at}" stroke="#f1f1f1"/>`,
      );
    }
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${margin.left - 6}" y="${(y(ms) + 4).toFixed(1)}" text-anchor="end">${tickLabel(ms)}</text>`,
    );
  }
  for (const stage of workload.stages) {
    parts.push(
      `<line x1="${x(stage.qps).toFixed(1)}" x2="${x(stage.qps).toFixed(1)}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#eee"/>`,
      `<text x="${x(stage.qps).toFixed(1)}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${Number(stage.qps.toPrecision(3))}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 12}" text-anchor="middle">offered load (requests per simulated second)</text>`,
    `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">TTFT p90 (log scale)</text>`,
  );
  series.forEach((line, index) => {
    const path = line.points
      .map((point) => `${x(point.qps).toFixed(1)},${y(point.ttft).toFixed(1)}`)
      .join(' ');
    if (line.points.length > 1)
      parts.push(`<polyline points="${path}" fill="none" stroke="${line.color}" stroke-width="2"/>`);
    for (const point of line.points) {
      parts.push(
        `<circle cx="${x(point.qps).toFixed(1)}" cy="${y(point.ttft).toFixed(1)}" r="3.5" fill="${line.color}"/>`,
      );
    }
    const legendY = margin.top + 10 + index * 20;
    parts.push(
      `<line x1="${width - margin.right + 15}" x2="${width - margin.right + 40}" y1="${legendY}" y2="${legendY}" stroke="${line.color}" stroke-width="2"/>`,
      `<text x="${width - margin.right + 46}" y="${legendY + 4}">${escapeXml(line.name)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
