import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../resources/object.ts';
import type { ObjectStatus } from '../translate/types.ts';
import { StatusWriter } from './status.ts';

const gateway: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'edge', namespace: 'default', generation: 1 },
};

function condition(type: string, status: string, reason: string, observedGeneration = 1) {
  return { type, status, reason, message: `${type} is ${status}`, observedGeneration };
}

function gatewayStatus(programmed: string, listeners: string[] = ['http']): Map<string, ObjectStatus> {
  return new Map([
    [
      'Gateway/default/edge',
      {
        object: gateway,
        status: {
          conditions: [
            condition('Accepted', 'True', 'Accepted'),
            condition('Programmed', programmed, 'Programmed'),
          ],
          listeners: listeners.map((name) => ({
            name,
            attachedRoutes: 1,
            conditions: [condition('Accepted', 'True', 'Accepted')],
          })),
        },
      },
    ],
  ]);
}

function clockAt(...seconds: number[]): () => Date {
  let i = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds[Math.min(i++, seconds.length - 1)]));
}

type Conditions = { type: string; lastTransitionTime: string }[];

function times(status: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of (status?.conditions ?? []) as Conditions) out[c.type] = c.lastTransitionTime;
  for (const listener of (status?.listeners ?? []) as { name: string; conditions: Conditions }[]) {
    for (const c of listener.conditions) out[`${listener.name}/${c.type}`] = c.lastTransitionTime;
  }
  return out;
}

describe('StatusWriter', () => {
  test('stamps every condition, nested ones included', () => {
    const writer = new StatusWriter(clockAt(5));
    assert.deepEqual(writer.write(gatewayStatus('True')), ['Gateway/default/edge']);
    assert.deepEqual(times(writer.get('Gateway/default/edge')), {
      Accepted: '2026-01-01T00:00:05.000Z',
      Programmed: '2026-01-01T00:00:05.000Z',
      'http/Accepted': '2026-01-01T00:00:05.000Z',
    });
  });

  test('keeps the time of conditions that did not change, renews the others', () => {
    const writer = new StatusWriter(clockAt(5, 9, 12));
    writer.write(gatewayStatus('True'));
    assert.deepEqual(writer.write(gatewayStatus('True')), [], 'an identical status is no change');
    writer.write(gatewayStatus('False', ['http', 'https']));
    assert.deepEqual(times(writer.get('Gateway/default/edge')), {
      Accepted: '2026-01-01T00:00:05.000Z',
      Programmed: '2026-01-01T00:00:12.000Z',
      'http/Accepted': '2026-01-01T00:00:05.000Z',
      'https/Accepted': '2026-01-01T00:00:12.000Z',
    });
  });

  test('a new observedGeneration is a transition', () => {
    const writer = new StatusWriter(clockAt(1, 2));
    const at = (generation: number) =>
      new Map([
        [
          'Gateway/default/edge',
          {
            object: gateway,
            status: { conditions: [condition('Accepted', 'True', 'Accepted', generation)] },
          },
        ],
      ]);
    writer.write(at(1));
    writer.write(at(2));
    assert.deepEqual(times(writer.get('Gateway/default/edge')), { Accepted: '2026-01-01T00:00:02.000Z' });
  });

  test('route parents are matched by parentRef, not position', () => {
    const writer = new StatusWriter(clockAt(1, 2));
    const parent = (name: string) => ({
      parentRef: { name },
      controllerName: 'sluice.dev/gateway-controller',
      conditions: [condition('Accepted', 'True', 'Accepted')],
    });
    const route = (...names: string[]) =>
      new Map([['HTTPRoute/default/r', { object: gateway, status: { parents: names.map(parent) } }]]);
    writer.write(route('b'));
    writer.write(route('a', 'b'));
    const parents = writer.get('HTTPRoute/default/r')?.parents as {
      parentRef: { name: string };
      conditions: Conditions;
    }[];
    assert.deepEqual(
      parents.map((p) => [p.parentRef.name, p.conditions[0].lastTransitionTime]),
      [
        ['a', '2026-01-01T00:00:02.000Z'],
        ['b', '2026-01-01T00:00:01.000Z'],
      ],
    );
  });

  test('objects no longer reported lose their status', () => {
    const writer = new StatusWriter();
    writer.write(gatewayStatus('True'));
    assert.deepEqual(writer.write(new Map()), ['Gateway/default/edge']);
    assert.equal(writer.get('Gateway/default/edge'), undefined);
  });

  test('the translator input is not modified', () => {
    const writer = new StatusWriter();
    const input = gatewayStatus('True');
    writer.write(input);
    const conditions = input.get('Gateway/default/edge')?.status.conditions as Record<string, unknown>[];
    assert.equal('lastTransitionTime' in conditions[0], false);
  });
});
