// Conformance BackendTLSPolicySANValidation (upstream backendtlspolicy-san.go): with subjectAltNames,
// the backend certificate must carry one of them (a DNS name or a URI) instead of the hostname;
// requests to Services whose policies name only absent SANs fail.

import { after, before, test } from 'node:test';
import { withPort } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { backendTlsPolicyMustHaveCondition } from './harness/policy-status.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 156, manifests: ['backendtlspolicy-san.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('BackendTLSPolicySANValidation', async (t) => {
  const route = { namespace: ns, name: 'backendtlspolicy-san-test' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  await namespacesMustBeReady(suite, [ns]);
  const gwAddr = withPort(await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]), 80);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  const serverStr = 'abc.example.com';
  const accepted = async (name: string) =>
    backendTlsPolicyMustHaveCondition(suite, { namespace: ns, name }, gateway, {
      type: 'Accepted',
      status: 'True',
      reason: 'Accepted',
    });
  const request = (path: string) => ({ host: serverStr, path, sni: serverStr });
  const succeeds = async (policy: string, path: string) => {
    await accepted(policy);
    await suite.expectEventuallyConsistentResponse(gwAddr, {
      namespace: ns,
      request: request(path),
      response: { statusCodes: [200] },
    });
  };
  const fails = async (policy: string, path: string) => {
    await accepted(policy);
    await suite.expectFailure(gwAddr, { namespace: ns, request: request(path) });
  };

  await t.test(
    'HTTP request sent to Service with valid BackendTLSPolicy containing dns SAN should succeed',
    () => succeeds('san-dns', '/backendtlspolicy-san-dns'),
  );
  await t.test(
    'HTTP request sent to Service targeted by BackendTLSPolicy with mismatched dns SAN should return an HTTP error',
    () => fails('san-dns-mismatch', '/backendtlspolicy-san-dns-mismatch'),
  );
  await t.test(
    'HTTP request sent to Service with valid BackendTLSPolicy containing uri SAN should succeed',
    () => succeeds('san-uri', '/backendtlspolicy-san-uri'),
  );
  await t.test(
    'HTTP request sent to Service targeted by BackendTLSPolicy with mismatched uri SAN should return an HTTP error',
    () => fails('san-uri-mismatch', '/backendtlspolicy-san-uri-mismatch'),
  );
  await t.test(
    'HTTP request sent to Service with valid BackendTLSPolicy containing multi SAN should succeed',
    () => succeeds('multiple-sans', '/backendtlspolicy-multiple-sans'),
  );
  await t.test(
    'HTTP request sent to Service targeted by BackendTLSPolicy with mismatched multi SAN should return an HTTP error',
    () => fails('multiple-mismatch-sans', '/backendtlspolicy-multiple-mismatch-sans'),
  );
});
