// Conformance GatewayInvalidParametersRef (upstream gateway-invalid-parameters-ref.go): a Gateway
// whose infrastructure.parametersRef cannot be resolved is not Accepted (InvalidParameters).

import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import { gatewayMustHaveCondition, gatewayMustHaveLatestConditions } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 2, manifests: ['gateway-invalid-parameters-ref.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('GatewayInvalidParametersRef', async () => {
  const gateway = { namespace: infraNamespace, name: 'gateway-invalid-parameters-ref' };
  await gatewayMustHaveLatestConditions(suite, gateway);
  await gatewayMustHaveCondition(suite, gateway, {
    type: 'Accepted',
    status: 'False',
    reason: 'InvalidParameters',
  });
});
