// Upstream `conformance/resources/resourcename.go`: the names of the base manifests' objects.

import type { NamespacedName } from '../../conformance/harness/manifest-store.ts';

export const appBackendNamespace = 'inference-conformance-app-backend';
export const infraNamespace = 'inference-conformance-infra';

export const primaryGateway: NamespacedName = { namespace: infraNamespace, name: 'conformance-primary' };
export const secondaryGateway: NamespacedName = { namespace: infraNamespace, name: 'conformance-secondary' };

export const primaryPool: NamespacedName = { namespace: appBackendNamespace, name: 'primary-inference-pool' };
export const secondaryPool: NamespacedName = {
  namespace: appBackendNamespace,
  name: 'secondary-inference-pool',
};
export const appProtocolHttpPool: NamespacedName = {
  namespace: appBackendNamespace,
  name: 'appprotocol-http-inference-pool',
};
export const appProtocolH2cPool: NamespacedName = {
  namespace: appBackendNamespace,
  name: 'appprotocol-h2c-inference-pool',
};

/** The `app` labels of the model-server pods. */
export const primaryModelServerApp = 'primary-inference-model-server';
export const secondaryModelServerApp = 'secondary-inference-model-server';
export const appProtocolModelServerApp = 'appprotocol-inference-model-server';
export const primaryModelServerDeployment = 'primary-inference-model-server-deployment';

export const modelServerPodReplicas = 3;

/** A pool of the base manifests, with the `app` label of its pods and how many there are. */
export interface PoolPods {
  pool: NamespacedName;
  app: string;
  replicas: number;
}

export const primaryPoolPods: PoolPods = {
  pool: primaryPool,
  app: primaryModelServerApp,
  replicas: modelServerPodReplicas,
};
export const secondaryPoolPods: PoolPods = {
  pool: secondaryPool,
  app: secondaryModelServerApp,
  replicas: modelServerPodReplicas,
};

/** The request header the conformance picker honours, and the response header naming who answered. */
export const endpointSelectionHeader = 'test-epp-endpoint-selection';
// Upstream reads the served endpoint from `x-conformance-test-served-endpoint`, which its picker copies from
// the gateway's `x-gateway-destination-endpoint-served` report; Sluice is gateway and picker, and sends that
// report to the client itself.
export const servedEndpointHeader = 'x-gateway-destination-endpoint-served';
