import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergeStatus } from './merge.ts';

const sluice = 'sluice.dev/gateway-controller';
const other = 'example.com/other-controller';

function condition(type: string, status: string, time: string, observedGeneration = 1) {
  return { type, status, reason: type, message: '', observedGeneration, lastTransitionTime: time };
}

describe('mergeStatus', () => {
  test("keeps other controllers' route parent entries and replaces Sluice's own", () => {
    const live = {
      parents: [
        {
          parentRef: { name: 'theirs' },
          controllerName: other,
          conditions: [condition('Accepted', 'True', 't0')],
        },
        {
          parentRef: { name: 'edge' },
          controllerName: sluice,
          conditions: [condition('Accepted', 'False', 't0')],
        },
        {
          parentRef: { name: 'gone' },
          controllerName: sluice,
          conditions: [condition('Accepted', 'True', 't0')],
        },
      ],
    };
    const desired = {
      parents: [
        {
          parentRef: { name: 'edge' },
          controllerName: sluice,
          conditions: [condition('Accepted', 'True', 't1')],
        },
      ],
    };
    assert.deepEqual(mergeStatus(live, desired, sluice), {
      parents: [
        {
          parentRef: { name: 'theirs' },
          controllerName: other,
          conditions: [condition('Accepted', 'True', 't0')],
        },
        {
          parentRef: { name: 'edge' },
          controllerName: sluice,
          conditions: [condition('Accepted', 'True', 't1')],
        },
      ],
    });
  });

  test('an unchanged condition keeps the lastTransitionTime the server holds', () => {
    const live = {
      parents: [
        {
          parentRef: { name: 'edge' },
          controllerName: sluice,
          conditions: [condition('Accepted', 'True', 't0')],
        },
      ],
    };
    const desired = {
      parents: [
        {
          parentRef: { name: 'edge' },
          controllerName: sluice,
          conditions: [condition('Accepted', 'True', 't9')],
        },
      ],
    };
    assert.deepEqual(mergeStatus(live, desired, sluice), live);
  });

  test('a condition whose observedGeneration moved takes the new time', () => {
    const live = { conditions: [condition('Accepted', 'True', 't0', 1)] };
    const desired = { conditions: [condition('Accepted', 'True', 't1', 2)] };
    assert.deepEqual(mergeStatus(live, desired, sluice), desired);
  });

  test('top-level conditions merge by type, keeping types Sluice does not report', () => {
    const live = {
      conditions: [condition('Accepted', 'False', 't0'), condition('example.com/Audited', 'True', 't0')],
    };
    const desired = {
      conditions: [condition('Accepted', 'True', 't1'), condition('Programmed', 'True', 't1')],
    };
    assert.deepEqual(mergeStatus(live, desired, sluice), {
      conditions: [
        condition('Accepted', 'True', 't1'),
        condition('example.com/Audited', 'True', 't0'),
        condition('Programmed', 'True', 't1'),
      ],
    });
  });

  test('listeners keep their unchanged condition times by name', () => {
    const live = {
      listeners: [{ name: 'http', attachedRoutes: 1, conditions: [condition('Programmed', 'True', 't0')] }],
    };
    const desired = {
      listeners: [{ name: 'http', attachedRoutes: 2, conditions: [condition('Programmed', 'True', 't5')] }],
    };
    assert.deepEqual(mergeStatus(live, desired, sluice), {
      listeners: [{ name: 'http', attachedRoutes: 2, conditions: [condition('Programmed', 'True', 't0')] }],
    });
  });

  test("with nothing to report, only Sluice's parent entries are taken out", () => {
    const live = {
      parents: [
        { parentRef: { name: 'theirs' }, controllerName: other, conditions: [] },
        { parentRef: { name: 'edge' }, controllerName: sluice, conditions: [] },
      ],
      conditions: [condition('Accepted', 'True', 't0')],
    };
    assert.deepEqual(mergeStatus(live, undefined, sluice), {
      parents: [{ parentRef: { name: 'theirs' }, controllerName: other, conditions: [] }],
      conditions: [condition('Accepted', 'True', 't0')],
    });
  });

  test('parent entries without controllerName are Sluice’s when they name a parent Sluice reports on', () => {
    const live = {
      parents: [
        { parentRef: { name: 'edge' }, conditions: [] },
        { parentRef: { name: 'other-gw' }, conditions: [] },
      ],
    };
    const desired = {
      parents: [{ parentRef: { name: 'edge' }, conditions: [condition('Accepted', 'True', 't1')] }],
    };
    assert.deepEqual(mergeStatus(live, desired, sluice), {
      parents: [{ parentRef: { name: 'other-gw' }, conditions: [] }, desired.parents[0]],
    });
  });

  test('an object without status gets Sluice’s as is', () => {
    const desired = { conditions: [condition('Accepted', 'True', 't1')] };
    assert.deepEqual(mergeStatus(undefined, desired, sluice), desired);
  });
});
