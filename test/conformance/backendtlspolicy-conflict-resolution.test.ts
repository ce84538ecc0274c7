// Conformance BackendTLSPolicyConflictResolution (upstream backendtlspolicy-conflict-resolution.go):
// of two policies on the same Service, or the same Service port, the older (then alphabetically first)
// one is Accepted and the other Conflicted, and traffic uses the accepted one; a policy on one port
// and one on the whole Service do not conflict.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { backendTlsPolicyMustHaveCondition } from './harness/policy-status.ts';
import {
  type ExpectedCondition,
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 152, manifests: ['backendtlspolicy-conflict-resolution.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const accepted: ExpectedCondition = { type: 'Accepted', status: 'True', reason: 'Accepted' };
const conflicted: ExpectedCondition = { type: 'Accepted', status: 'False', reason: 'Conflicted' };

test('BackendTLSPolicyConflictResolution', async (t) => {
  const route = { namespace: ns, name: 'backendtlspolicy-conflict-resolution' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  await namespacesMustBeReady(suite, [ns]);
  const gwAddr = withPort(await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]), 80);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const policyMustBe = (name: string, condition: ExpectedCondition) =>
    backendTlsPolicyMustHaveCondition(suite, { namespace: ns, name }, gateway, condition);
  const requestMustSucceed = (path: string, sni: string) =>
    suite.expectEventuallyConsistentResponse(gwAddr, {
      namespace: ns,
      request: { host: 'abc.example.com', path, sni },
      response: { statusCode: 200 },
    });

  await t.test(
    'Conflicting BackendTLSPolicies targeting the same Service without a section name',
    async (t) => {
      await t.test('First BackendTLSPolicy should be accepted', () =>
        policyMustBe('conflicted-without-section-name-1', accepted),
      );
      await t.test(
        'Second BackendTLSPolicy should have a false Accepted condition with reason Conflicted ',
        () => policyMustBe('conflicted-without-section-name-2', conflicted),
      );
      await t.test('HTTP request sent to Service using the accepted BackendTLSPolicy should succeed', () =>
        requestMustSucceed('/backendtlspolicy-conflicted-without-section-name', 'other.example.com'),
      );
    },
  );

  await t.test(
    'Conflicting BackendTLSPolicies targeting the same Service with the same section name',
    async (t) => {
      await t.test('First BackendTLSPolicy should be accepted', () =>
        policyMustBe('conflicted-with-section-name-1', accepted),
      );
      await t.test(
        'Second BackendTLSPolicy should have a false Accepted condition with reason Conflicted ',
        () => policyMustBe('conflicted-with-section-name-2', conflicted),
      );
      await t.test('HTTP request sent to Service using the accepted BackendTLSPolicy should succeed', () =>
        requestMustSucceed('/backendtlspolicy-conflicted-with-section-name', 'other.example.com'),
      );
    },
  );

  await t.test('BackendTLSPolicies targeting the same Service with and without a section name', async (t) => {
    await t.test('BackendTLSPolicy with section name should be accepted', () =>
      policyMustBe('not-conflicted-with-section-name', accepted),
    );
    await t.test('BackendTLSPolicy without section name should be accepted', () =>
      policyMustBe('not-conflicted-without-section-name', accepted),
    );
    await t.test(
      'HTTP request sent to Service using the BackendTLSPolicy with section name should succeed',
      () => requestMustSucceed('/backendtlspolicy-not-conflicted-with-section-name', 'other.example.com'),
    );
    await t.test(
      'HTTP request sent to Service using the BackendTLSPolicy without section name should succeed',
      () => requestMustSucceed('/backendtlspolicy-not-conflicted-without-section-name', 'abc.example.com'),
    );
  });
});
