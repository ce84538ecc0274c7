// Tests for reading echo-basic Deployments: the mode from the environment, TLS files through volume
// mounts to Secret and ConfigMap keys.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { echoDeploymentOf } from './deployments.ts';
import type { Manifest } from './manifest-store.ts';

function deployment(container: Record<string, unknown>, volumes: unknown[] = []): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'tls-backend-x', namespace: 'infra' },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'c', ...container }], volumes } } },
  };
}

test('a plain echo-basic Deployment runs HTTP pods', () => {
  assert.deepEqual(echoDeploymentOf(deployment({ env: [{ name: 'POD_NAME', valueFrom: {} }] })), {
    name: 'tls-backend-x',
    namespace: 'infra',
    replicas: 2,
  });
});

test('GRPC_ECHO_SERVER selects the gRPC mode', () => {
  assert.equal(echoDeploymentOf(deployment({ env: [{ name: 'GRPC_ECHO_SERVER', value: '1' }] })).grpc, true);
});

test('TLS files resolve through mounts and items to Secret and ConfigMap keys', () => {
  const echo = echoDeploymentOf(
    deployment(
      {
        env: [
          { name: 'TLS_SERVER_CERT', value: '/etc/secret-volume/crt' },
          { name: 'TLS_SERVER_PRIVKEY', value: '/etc/secret-volume/key' },
          { name: 'TLS_CLIENT_CACERTS', value: '/etc/configmap-volume/ca.crt' },
        ],
        volumeMounts: [
          { name: 'secret-volume', mountPath: '/etc/secret-volume' },
          { name: 'configmap-volume', mountPath: '/etc/configmap-volume' },
        ],
      },
      [
        {
          name: 'secret-volume',
          secret: {
            secretName: 'serving',
            items: [
              { key: 'tls.crt', path: 'crt' },
              { key: 'tls.key', path: 'key' },
            ],
          },
        },
        // Without items, a key is a file of its own name.
        { name: 'configmap-volume', configMap: { name: 'client-ca' } },
      ],
    ),
  );
  assert.deepEqual(echo.https, {
    cert: { kind: 'Secret', name: 'serving', key: 'tls.crt' },
    key: { kind: 'Secret', name: 'serving', key: 'tls.key' },
    clientCa: { kind: 'ConfigMap', name: 'client-ca', key: 'ca.crt' },
  });
});

test('a TLS file outside every volume mount is an error', () => {
  assert.throws(
    () =>
      echoDeploymentOf(
        deployment({
          env: [
            { name: 'TLS_SERVER_CERT', value: '/nowhere/crt' },
            { name: 'TLS_SERVER_PRIVKEY', value: '/nowhere/key' },
          ],
        }),
      ),
    /is on no volume mount/,
  );
});
