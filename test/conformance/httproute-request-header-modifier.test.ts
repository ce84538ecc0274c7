// Conformance HTTPRouteRequestHeaderModifier (upstream httproute-request-header-modifier.go): set
// replaces, add appends after existing values, remove deletes, several at once, names in any case.

import { after, before, test } from 'node:test';
import { ConformanceSuite } from './harness.ts';
import { requestHeaderModifierTest } from './shared/httproute-request-header-modifier.ts';

const suite = new ConformanceSuite({ block: 34, manifests: ['httproute-request-header-modifier.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteRequestHeaderModifier', { concurrency: true }, (t) => requestHeaderModifierTest(suite, t));
