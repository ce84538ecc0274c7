import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScaledClock } from '../../sim/clock.ts';
import { type Fleet, replicaSet, startFleet } from '../../sim/fleet.ts';
import { replicaDefaults } from '../../sim/options.ts';
import type { Endpoint } from './endpoint.ts';
import { MetricsScraper } from './scraper.ts';
import { EndpointStore } from './store.ts';

describe('metrics scraper against simulated model servers', () => {
  let fleet: Fleet;
  const store = new EndpointStore();
  const scraper = new MetricsScraper(store);

  before(async () => {
    const base = { ...replicaDefaults, host: '127.0.0.1', port: 0, enableLora: true, maxLoras: 2 };
    const [vllm] = replicaSet(base, 1, 'port');
    const [sglang] = replicaSet({ ...base, engine: 'sglang', pod: 'sglang-0' }, 1, 'port');
    vllm.fakeMetrics = {
      'waiting-requests': 3,
      'running-requests': 5,
      'kv-cache-usage': 0.4,
      loras: [
        { running: 'sql', waiting: '', timestamp: 10 },
        { running: 'sql,chat', waiting: 'math', timestamp: 20 },
      ],
    };
    sglang.fakeMetrics = { 'waiting-requests': 7, 'running-requests': 1, 'kv-cache-usage': 0.9 };
    fleet = await startFleet([vllm, sglang], new ScaledClock(1));
    const [a, b] = fleet.replicas;
    store.setEndpoints([
      { address: a.address, port: a.port, name: 'vllm' },
      { address: b.address, port: b.port, name: 'sglang', labels: { 'llm-d.ai/engine-type': 'sglang' } },
    ]);
  });

  after(async () => {
    await scraper.stop();
    await fleet.close();
  });

  const byName = (name: string) => store.list().find((endpoint) => endpoint.name === name) as Endpoint;

  it('maps vLLM metrics, including LoRA adapters and the cache geometry', async () => {
    await scraper.refresh();
    const { metrics, scrape } = byName('vllm');
    assert.equal(scrape.lastScrapeOk, true, scrape.lastScrapeError);
    assert.equal(metrics.waitingQueueSize, 3);
    assert.equal(metrics.runningRequests, 5);
    assert.equal(metrics.kvCacheUsage, 0.4);
    assert.deepEqual([...metrics.activeModels].sort(), ['chat', 'sql']);
    assert.deepEqual([...metrics.waitingModels], ['math']);
    assert.equal(metrics.cacheBlockSize, 16);
    assert.equal(metrics.cacheNumBlocks, 26000);
  });

  it("maps SGLang's metric names when the endpoint is labelled sglang", async () => {
    await scraper.refresh();
    const { metrics, scrape } = byName('sglang');
    assert.equal(scrape.lastScrapeOk, true, scrape.lastScrapeError);
    assert.deepEqual([metrics.waitingQueueSize, metrics.runningRequests, metrics.kvCacheUsage], [7, 1, 0.9]);
    assert.equal(metrics.cacheBlockSize, 16);
  });

  it('records a failed scrape and keeps the last good metrics', async () => {
    await scraper.refresh();
    const endpoint = byName('sglang');
    const good = endpoint.metrics;
    // Reading SGLang's endpoint as vLLM finds none of the expected names.
    endpoint.labels = {};
    await scraper.scrape(endpoint);
    assert.equal(endpoint.scrape.lastScrapeOk, false);
    assert.match(endpoint.scrape.lastScrapeError ?? '', /none of the vllm metrics/);
    assert.equal(endpoint.scrape.consecutiveFailures, 1);
    assert.equal(endpoint.metrics, good);
    endpoint.labels = { 'llm-d.ai/engine-type': 'sglang' };
  });

  it('polls endpoints on its own once started, including ones added later', async () => {
    const polled = new Set<string>();
    let done: () => void = () => {};
    const seen = new Promise<void>((resolve) => {
      done = resolve;
    });
    const watcher = new MetricsScraper(store, {
      intervalMs: 5,
      onScrape: (endpoint) => {
        if (endpoint.scrape.lastScrapeOk) polled.add(endpoint.name);
        if (polled.size === 2) done();
      },
    });
    watcher.start();
    await seen;
    await watcher.stop();
    assert.deepEqual([...polled].sort(), ['sglang', 'vllm']);
  });
});
