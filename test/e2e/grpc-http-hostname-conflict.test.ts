// HTTPRoute and GRPCRoute on one hostname, through `sluice serve`: the older route is accepted and serves
// the hostname, the newer one reports Accepted=False/HostnameConflict and serves nothing, and it takes
// over once the older route is deleted.

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { type EchoServer, startEchoServer } from '../../src/sim/echo.ts';
import {
  type GrpcEchoResponse,
  type GrpcEchoServer,
  grpcEchoDefinition,
  startGrpcEchoServer,
} from '../../src/sim/echo-grpc.ts';
import { ConfigDir, eventually, freePort, gatewayManifests, get, getJson, SluiceChild } from './harness.ts';

const hostname = 'app.example.com';

function manifests(port: number, web: EchoServer, api: GrpcEchoServer): string {
  return `${gatewayManifests('edge', port)}---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: api
  creationTimestamp: "2026-01-02T00:00:00Z"
spec:
  parentRefs:
    - name: edge
  hostnames: [${hostname}]
  rules:
    - backendRefs:
        - name: api
          port: 9000
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - name: http
      port: 80
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
endpoints:
  - addresses: [${web.address}]
ports:
  - name: http
    port: ${web.port}
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  ports:
    - name: grpc
      port: 9000
      appProtocol: kubernetes.io/h2c
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: api-1
  labels:
    kubernetes.io/service-name: api
addressType: IPv4
endpoints:
  - addresses: [${api.address}]
ports:
  - name: grpc
    port: ${api.port}
`;
}

/** The older route: created a day before the GRPCRoute. */
const site = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: site
  creationTimestamp: "2026-01-01T00:00:00Z"
spec:
  parentRefs:
    - name: edge
  hostnames: [${hostname}]
  rules:
    - backendRefs:
        - name: web
          port: 80
`;

interface Condition {
  type: string;
  status: string;
  reason: string;
}

/** One unary Echo call with `:authority` app.example.com: the pod that answered, or the gRPC status. */
function echoCall(client: grpc.Client): Promise<string> {
  const echo = grpcEchoDefinition().Echo;
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      echo.path,
      echo.requestSerialize,
      (bytes: Buffer) => echo.responseDeserialize(bytes) as GrpcEchoResponse,
      {},
      new grpc.Metadata(),
      { deadline: Date.now() + 5_000 },
      (error, response) =>
        resolve(error ? `status ${error.code}` : `pod ${response?.assertions?.context?.pod}`),
    );
  });
}

describe('HTTPRoute and GRPCRoute on one hostname', () => {
  let config: ConfigDir;
  let sluice: SluiceChild;
  let web: EchoServer;
  let api: GrpcEchoServer;
  let client: grpc.Client;
  let admin = '';
  let gateway = '';

  const accepted = async (kind: string, name: string): Promise<Condition | undefined> => {
    const items = (await getJson(`http://${admin}/api/v1/objects?kind=${kind}&name=${name}`)).items as {
      status: { parents?: { conditions: Condition[] }[] };
    }[];
    return items[0]?.status.parents?.[0]?.conditions.find((condition) => condition.type === 'Accepted');
  };

  before(async () => {
    web = await startEchoServer({ host: '127.0.0.1', port: 0, pod: 'web-0', namespace: 'default' });
    api = await startGrpcEchoServer({ host: '127.0.0.1', port: 0, pod: 'api-0', namespace: 'default' });
    const port = await freePort();
    gateway = `http://127.0.0.1:${port}`;
    config = await ConfigDir.create();
    await config.write('gateway.yaml', manifests(port, web, api));
    await config.write('site.yaml', site);
    sluice = new SluiceChild(['serve', '--config', config.path, '--admin-address', '127.0.0.1:0']);
    admin = String((await sluice.waitForLog('admin listening')).address);
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      'grpc.default_authority': hostname,
    });
  });

  after(async () => {
    client?.close();
    const code = await sluice?.stop();
    await Promise.all([web?.close(), api?.close()]);
    await config?.remove();
    assert.equal(code, 0, 'a SIGTERM stops sluice gracefully');
  });

  test('the newer GRPCRoute is not accepted, and the older HTTPRoute serves the hostname', async () => {
    const conflict = await eventually('the GRPCRoute status', () => accepted('GRPCRoute', 'api'));
    assert.equal(conflict.status, 'False');
    assert.equal(conflict.reason, 'HostnameConflict');
    const kept = await accepted('HTTPRoute', 'site');
    assert.equal(kept?.status, 'True');

    const answer = await get(`${gateway}/`, hostname);
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).pod, 'web-0');
    // The gRPC call meets the HTTPRoute's HTTP/1.1 backend, never the gRPC one.
    assert.notEqual(await echoCall(client), 'pod api-0');
  });

  test('once the HTTPRoute is deleted, the GRPCRoute is accepted and serves gRPC calls', async () => {
    await rm(config.file('site.yaml'));
    await eventually('the GRPCRoute to be accepted', async () =>
      (await accepted('GRPCRoute', 'api'))?.status === 'True' ? true : undefined,
    );
    assert.equal(
      await eventually('a call to reach the gRPC backend', async () => {
        const answer = await echoCall(client);
        return answer === 'pod api-0' ? answer : undefined;
      }),
      'pod api-0',
    );
  });
});
