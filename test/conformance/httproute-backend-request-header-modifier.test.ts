// Conformance HTTPRouteBackendRequestHeaderModifier (upstream httproute-request-header-modifier.go): the
// RequestHeaderModifier cases, with each filter on the backendRef instead of the rule.

import { after, before, test } from 'node:test';
import { ConformanceSuite } from './harness.ts';
import { requestHeaderModifierTest } from './shared/httproute-request-header-modifier.ts';

const suite = new ConformanceSuite({
  block: 52,
  manifests: ['httproute-request-header-modifier-backend.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteBackendRequestHeaderModifier', { concurrency: true }, (t) =>
  requestHeaderModifierTest(suite, t),
);
