// Token fairness between flows (vtc-fairness-policy) against round-robin, on a simulated pool driven by a
// manual clock: tenants keep their queues full, the pool runs a fixed number of requests at once, and a
// request takes time in proportion to the tokens it really uses.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../sim/clock.ts';
import { parseEndpointPickerConfig } from '../scheduling/config.ts';
import { type FairnessPolicy, flowControlDefaults } from './config.ts';
import { type Admission, FlowController } from './controller.ts';

interface Tenant {
  name: string;
  /** Tokens the request announces (prompt estimate + max_tokens). */
  estimate: number;
  /** Tokens it really uses, as the response's usage reports them. */
  used: number;
}

/** Tokens a slot of the simulated pool serves per millisecond. */
const tokensPerMs = 10;
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function controller(fairness: FairnessPolicy, slots: number) {
  const clock = new ManualClock();
  const flow: FlowController = new FlowController({
    pool: 'default/pool',
    config: {
      ...flowControlDefaults,
      enabled: true,
      defaultBand: { ...flowControlDefaults.defaultBand, fairness },
    },
    saturation: () => (flow.inFlight >= slots ? 1 : 0),
    clock,
  });
  return { flow, clock };
}

/** Runs backlogged tenants for `durationMs` of simulated time; the tokens each got served. */
async function serve(fairness: FairnessPolicy, tenants: Tenant[], durationMs: number) {
  const { flow, clock } = controller(fairness, 4);
  const served = new Map<string, number>(tenants.map((tenant) => [tenant.name, 0]));
  const submit = (tenant: Tenant) => {
    const admission = flow.admit({
      priority: 0,
      fairnessId: tenant.name,
      bodyBytes: 1,
      estimatedTokens: tenant.estimate,
      model: 'model',
      targetModel: 'model',
    });
    admission.then((result: Admission) => {
      if (!result.admitted) return;
      submit(tenant);
      clock.setTimer(tenant.used / tokensPerMs, () => {
        served.set(tenant.name, (served.get(tenant.name) ?? 0) + tenant.used);
        result.account(tenant.used);
        result.release();
      });
    });
  };
  for (const tenant of tenants) for (let i = 0; i < 3; i++) submit(tenant);
  await settle();
  for (let elapsed = 0; elapsed < durationMs; elapsed += 10) {
    clock.advance(10);
    await settle();
  }
  flow.close();
  return served;
}

describe('token fairness between flows', () => {
  it('is the default band policy, and bands name it as vtc-fairness-policy', () => {
    const config = parseEndpointPickerConfig(`apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
featureGates: [flowControl]
plugins:
  - {name: tokens, type: vtc-fairness-policy}
flowControl:
  defaultPriorityBand: {fairnessPolicyRef: round-robin-fairness-policy}
  priorityBands:
    - {priority: 1, fairnessPolicyRef: tokens}
    - {priority: 2, fairnessPolicyRef: vtc-fairness-policy}
`);
    assert.equal(flowControlDefaults.defaultBand.fairness, 'vtc');
    assert.equal(config.flowControl.defaultBand.fairness, 'round-robin');
    assert.equal(config.flowControl.bands.get(1)?.fairness, 'vtc');
    assert.equal(config.flowControl.bands.get(2)?.fairness, 'vtc');
  });

  const long: Tenant = { name: 'long-prompts', estimate: 2000, used: 2000 };
  const short: Tenant = { name: 'short-prompts', estimate: 100, used: 100 };

  it('vtc shares the pool by tokens: long prompts do not crowd out short ones', async () => {
    const served = await serve('vtc', [long, short], 20_000);
    const ratio = (served.get(short.name) ?? 0) / (served.get(long.name) ?? 1);
    assert.ok(ratio > 0.9 && ratio < 1.1, `short/long tokens ${ratio.toFixed(3)}`);
  });

  it('round-robin shares requests: the long-prompt tenant gets most of the tokens', async () => {
    const served = await serve('round-robin', [long, short], 20_000);
    const ratio = (served.get(short.name) ?? 0) / (served.get(long.name) ?? 1);
    assert.ok(ratio < 0.1, `short/long tokens ${ratio.toFixed(3)}`);
  });

  it('charges are corrected by the usage reported: a generous max_tokens costs only what was used', async () => {
    // Announces 2000 tokens (a large max_tokens) but uses 200; the other announces what it uses.
    const generous: Tenant = { name: 'generous', estimate: 2000, used: 200 };
    const exact: Tenant = { name: 'exact', estimate: 500, used: 500 };
    const served = await serve('vtc', [generous, exact], 20_000);
    const ratio = (served.get(generous.name) ?? 0) / (served.get(exact.name) ?? 1);
    assert.ok(ratio > 0.85 && ratio < 1.15, `generous/exact tokens ${ratio.toFixed(3)}`);
  });

  it('a flow that was idle starts level with the least-served waiting flow, so it banks no credit', async () => {
    const { flow } = controller('vtc', 1);
    const order: string[] = [];
    const tickets: Admission[] = [];
    const ask = (fairnessId: string, label: string) =>
      flow
        .admit({ priority: 0, fairnessId, bodyBytes: 1, estimatedTokens: 100, model: 'm', targetModel: 'm' })
        .then((admission) => {
          order.push(label);
          tickets.push(admission);
        });
    for (const label of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']) void ask('tenant-a', label);
    await settle();
    // Tenant a alone is served three times, then b arrives with a queue of its own.
    for (let i = 0; i < 3; i++) await finishOldest(tickets);
    for (const label of ['b1', 'b2', 'b3']) void ask('tenant-b', label);
    await settle();
    for (let i = 0; i < 6; i++) await finishOldest(tickets);
    // Without the lift b would start at 0 tokens and take the next three turns in a row.
    assert.deepEqual(order, ['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'a6', 'b2', 'a7', 'b3']);
  });
});

/** Ends the oldest running request with the usage it announced, letting the next one in. */
async function finishOldest(tickets: Admission[]): Promise<void> {
  const ticket = tickets.shift();
  if (ticket?.admitted) {
    ticket.account(100);
    ticket.release();
  }
  await settle();
}
