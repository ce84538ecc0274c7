import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../sim/clock.ts';
import { type BandConfig, type FlowControlConfig, flowControlDefaults } from './config.ts';
import { type Admission, FlowController, type Ticket } from './controller.ts';

function controller(overrides: Partial<FlowControlConfig> = {}) {
  const clock = new ManualClock();
  const state = { saturation: 0 };
  const flow = new FlowController({
    pool: 'default/pool',
    config: { ...flowControlDefaults, enabled: true, ...overrides },
    saturation: () => state.saturation,
    clock,
  });
  return { flow, clock, state };
}

/** Lets promise callbacks run (admissions resolve in microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function track(admission: Promise<Admission>, order: string[], label: string) {
  const result: { value?: Admission } = {};
  admission.then((value) => {
    result.value = value;
    order.push(label);
  });
  return result;
}

const request = (priority: number, fairnessId = 'default-flow', bodyBytes = 100, estimatedTokens = 100) => ({
  priority,
  fairnessId,
  bodyBytes,
  estimatedTokens,
  model: 'model',
  targetModel: 'model',
});

describe('flow control', () => {
  it('admits at once while the pool has room, and counts tickets in flight', async () => {
    const { flow } = controller();
    const admission = await flow.admit(request(0));
    assert.equal(admission.admitted, true);
    assert.equal(flow.inFlight, 1);
    (admission as Ticket).release();
    (admission as Ticket).release();
    assert.equal(flow.inFlight, 0, 'release is idempotent');
  });

  it('sheds sheddable requests with 429 when saturated, with or without the gate', async () => {
    for (const enabled of [true, false]) {
      const { flow, state } = controller({ enabled });
      state.saturation = 1.2;
      const shed = await flow.admit(request(-1));
      assert.equal(shed.admitted, false);
      assert.equal(shed.admitted === false && shed.error.code, 'request_shed');
      assert.equal(shed.admitted === false && shed.error.status, 429);
      state.saturation = 0.5;
      assert.equal((await flow.admit(request(-1))).admitted, true);
    }
  });

  it('without the gate, never queues: non-negative priorities pass even when saturated', async () => {
    const { flow, state } = controller({ enabled: false });
    state.saturation = 3;
    assert.equal((await flow.admit(request(0))).admitted, true);
  });

  it('queues while saturated and dispatches highest priority first, FIFO within a flow', async () => {
    const { flow, state } = controller();
    state.saturation = 1;
    const order: string[] = [];
    track(flow.admit(request(0)), order, 'p0-a');
    track(flow.admit(request(10)), order, 'p10');
    track(flow.admit(request(0)), order, 'p0-b');
    track(flow.admit(request(5)), order, 'p5');
    await settle();
    assert.equal(flow.queued, 4);
    assert.deepEqual(order, []);
    state.saturation = 0.5;
    flow.dispatch();
    await settle();
    assert.deepEqual(order, ['p10', 'p5', 'p0-a', 'p0-b']);
    assert.equal(flow.queued, 0);
  });

  it('stops dispatching as soon as the pool is saturated again (head-of-line on purpose)', async () => {
    const clock = new ManualClock();
    let gateOpen = false;
    // The pool fills up once two requests run, as it would once they reach the engines.
    const flow: FlowController = new FlowController({
      pool: 'p',
      config: { ...flowControlDefaults, enabled: true },
      saturation: () => (gateOpen && flow.inFlight < 2 ? 0 : 1),
      clock,
    });
    const order: string[] = [];
    for (const label of ['a', 'b', 'c']) track(flow.admit(request(0)), order, label);
    gateOpen = true;
    flow.dispatch();
    await settle();
    assert.deepEqual(order, ['a', 'b']);
    assert.equal(flow.queued, 1);
  });

  it('round-robin bands take one request per flow in turn', async () => {
    const roundRobin: BandConfig = { ...flowControlDefaults.defaultBand, fairness: 'round-robin' };
    const { flow, state } = controller({ defaultBand: roundRobin });
    state.saturation = 1;
    const order: string[] = [];
    for (const label of ['a1', 'a2', 'a3']) track(flow.admit(request(0, 'tenant-a')), order, label);
    for (const label of ['b1', 'b2']) track(flow.admit(request(0, 'tenant-b')), order, label);
    track(flow.admit(request(0, 'tenant-c')), order, 'c1');
    state.saturation = 0;
    flow.dispatch();
    await settle();
    assert.deepEqual(order, ['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('global-strict bands serve the oldest request first whatever its flow', async () => {
    const strict: BandConfig = { ...flowControlDefaults.defaultBand, fairness: 'global-strict' };
    const { flow, state } = controller({ defaultBand: strict });
    state.saturation = 1;
    const order: string[] = [];
    for (const label of ['a1', 'a2', 'a3']) track(flow.admit(request(0, 'tenant-a')), order, label);
    track(flow.admit(request(0, 'tenant-b')), order, 'b1');
    state.saturation = 0;
    flow.dispatch();
    await settle();
    assert.deepEqual(order, ['a1', 'a2', 'a3', 'b1']);
  });

  it('drops a request that waited longer than the TTL with 503, and measures the wait of others', async () => {
    const { flow, state, clock } = controller({ defaultRequestTTLMs: 1000 });
    state.saturation = 1;
    const order: string[] = [];
    const early = track(flow.admit(request(0)), order, 'early');
    clock.advance(600);
    const late = track(flow.admit(request(0)), order, 'late');
    clock.advance(500);
    await settle();
    assert.equal(early.value?.admitted === false && early.value.error.code, 'queue_timeout');
    assert.equal(early.value?.admitted === false && early.value.error.status, 503);
    assert.equal(flow.queued, 1);
    state.saturation = 0;
    flow.dispatch();
    await settle();
    assert.equal(late.value?.admitted === true && late.value.waitedMs, 500);
  });

  it('rejects with 429 when the queue is full, by count or bytes, globally or per band', async () => {
    const { flow, state } = controller({
      maxRequests: 2,
      bands: new Map([[7, { maxRequests: 1, maxBytes: Infinity, fairness: 'round-robin' }]]),
      defaultBand: { maxRequests: Infinity, maxBytes: 250, fairness: 'round-robin' },
    });
    state.saturation = 1;
    void flow.admit(request(7));
    const bandFull = await flow.admit(request(7));
    assert.equal(bandFull.admitted === false && bandFull.error.code, 'queue_full');
    assert.match(
      bandFull.admitted === false ? bandFull.error.message : '',
      /priority band full at 1 requests/,
    );
    void flow.admit(request(0, 'x', 200));
    const global = await flow.admit(request(0, 'x', 10));
    assert.match(global.admitted === false ? global.error.message : '', /2 requests queued/);
    assert.equal(global.admitted === false && global.error.status, 429);
  });

  it('withdraws a request whose client went away, and one aborted before it queued', async () => {
    const { flow, state } = controller();
    state.saturation = 1;
    const controllerA = new AbortController();
    const order: string[] = [];
    const gone = track(flow.admit(request(0), controllerA.signal), order, 'gone');
    const stays = track(flow.admit(request(0)), order, 'stays');
    controllerA.abort();
    await settle();
    assert.equal(gone.value?.admitted === false && gone.value.error.code, 'queue_cancelled');
    state.saturation = 0;
    flow.dispatch();
    await settle();
    assert.equal(stays.value?.admitted, true);
    assert.deepEqual(order, ['gone', 'stays']);
    state.saturation = 1;
    const aborted = await flow.admit(request(0), AbortSignal.abort());
    assert.equal(aborted.admitted === false && aborted.error.code, 'queue_cancelled');
  });

  it('a released ticket re-checks the gate for those waiting', async () => {
    const { flow, state } = controller();
    const ticket = (await flow.admit(request(0))) as Ticket;
    state.saturation = 1;
    const order: string[] = [];
    track(flow.admit(request(0)), order, 'waiting');
    await settle();
    state.saturation = 0.9;
    ticket.release();
    await settle();
    assert.deepEqual(order, ['waiting']);
  });
});
