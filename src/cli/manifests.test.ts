// `sluice manifests` and the kustomize base in deploy/: the objects, their options, and the base in sync.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { SluiceError } from '../errors.ts';
import { statusKinds, watchedKinds } from '../providers/kubernetes/kinds.ts';
import { groupOf } from '../resources/object.ts';
import { parseManifestsArgs, runManifests } from './manifests.ts';
import { deployDir, kustomizeBase } from './manifests-base.ts';
import { defaultInstallOptions, type InstallObject, installObjects } from './manifests-objects.ts';
import type { PolicyRule } from './manifests-rbac.ts';
import { parseKubernetesServeArgs } from './serve-kubernetes-options.ts';

function only(objects: InstallObject[], kind: string): InstallObject {
  const found = objects.filter((object) => object.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0];
}

/** Loosely typed access into plain objects, for assertions. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) current = (current as Record<string | number, unknown> | undefined)?.[step];
  return current;
}

function printed(args: string[]): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  assert.equal(runManifests(args, out), 0);
  return text;
}

/** Whether `rules` allow `verb` on `resource` in `group`. */
function allows(rules: PolicyRule[], group: string, resource: string, verb: string): boolean {
  return rules.some(
    (rule) =>
      rule.apiGroups.includes(group) &&
      rule.resources.includes(resource) &&
      rule.verbs.includes(verb) &&
      rule.resourceNames === undefined,
  );
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)));
}

describe('sluice manifests', () => {
  const objects = installObjects(defaultInstallOptions());
  const podSpec = at(only(objects, 'Deployment'), 'spec', 'template', 'spec');
  const container = at(podSpec, 'containers', 0);

  test('prints the whole install: namespace, identity, RBAC, GatewayClass, Service, Deployment, PDB', () => {
    assert.deepEqual(
      objects.map((object) => object.kind),
      [
        'Namespace',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'Role',
        'RoleBinding',
        'GatewayClass',
        'Service',
        'Deployment',
        'PodDisruptionBudget',
      ],
    );
    assert.equal(
      at(only(objects, 'GatewayClass'), 'spec', 'controllerName'),
      'sluice.dev/gateway-controller',
    );
  });

  test('the container args are flags `sluice serve --kubernetes` accepts, with the admin API where the probes look', () => {
    const args = at(container, 'args') as string[];
    assert.deepEqual(args.slice(0, 2), ['serve', '--kubernetes']);
    const options = parseKubernetesServeArgs(args.slice(1));
    assert.deepEqual(options.admin, { host: '0.0.0.0', port: 9901 });
    assert.equal(options.defaultAddress, '0.0.0.0');
    assert.equal(options.gatewayService?.name, 'sluice', "Gateways report the install's Service");
    assert.deepEqual(options.gatewayClasses, ['sluice'], 'the install serves the GatewayClass it creates');
    const adminPort = (at(container, 'ports') as { name: string; containerPort: number }[]).find(
      (port) => port.name === 'admin',
    );
    assert.equal(adminPort?.containerPort, options.admin.port);
    assert.deepEqual(at(container, 'livenessProbe', 'httpGet'), { path: '/healthz', port: 'admin' });
    assert.deepEqual(at(container, 'readinessProbe', 'httpGet'), { path: '/readyz', port: 'admin' });
    assert.deepEqual(at(container, 'env', 0, 'valueFrom'), { fieldRef: { fieldPath: 'metadata.name' } });
  });

  test('runs as non-root with a read-only root filesystem, no capabilities and resource requests', () => {
    assert.equal(at(podSpec, 'securityContext', 'runAsNonRoot'), true);
    assert.equal(at(podSpec, 'securityContext', 'seccompProfile', 'type'), 'RuntimeDefault');
    assert.deepEqual(at(container, 'securityContext'), {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    assert.ok(at(container, 'resources', 'requests', 'cpu'));
    assert.ok(at(container, 'resources', 'requests', 'memory'));
  });

  test('the Service exposes each listener port on the same container port', () => {
    const parsed = parseManifestsArgs(['--listener-port', '8080', '--listener-port', '80']);
    const chosen = installObjects(parsed.options);
    const servicePorts = at(only(chosen, 'Service'), 'spec', 'ports') as {
      port: number;
      targetPort: number;
    }[];
    assert.deepEqual(
      servicePorts.map((port) => [port.port, port.targetPort]),
      [
        [8080, 8080],
        [80, 80],
      ],
    );
    const containerPorts = at(
      only(chosen, 'Deployment'),
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'ports',
    );
    assert.deepEqual(
      (containerPorts as { containerPort: number }[]).map((port) => port.containerPort),
      [8080, 80, 9901],
    );
  });

  test('RBAC: list and watch every watched kind, get and update the status of the reported ones, nothing more', () => {
    const clusterRole = only(objects, 'ClusterRole').rules as PolicyRule[];
    for (const kind of watchedKinds) {
      for (const group of new Set(kind.apiVersions.map(groupOf))) {
        for (const verb of ['list', 'watch']) {
          assert.ok(
            allows(clusterRole, group, kind.resource, verb),
            `${verb} ${kind.resource} in "${group}"`,
          );
        }
        // The status writer reads a reported object again after a conflict; nothing else is read singly.
        assert.equal(
          allows(clusterRole, group, kind.resource, 'get'),
          kind.reportsStatus === true,
          kind.kind,
        );
        assert.equal(
          allows(clusterRole, group, `${kind.resource}/status`, 'update'),
          kind.reportsStatus === true,
          `${kind.kind} status`,
        );
      }
    }
    for (const kind of ['GatewayClass', 'Gateway', 'HTTPRoute', 'InferencePool']) {
      assert.ok(statusKinds.has(kind), `${kind} status is written`);
    }
    assert.ok(
      clusterRole.every((rule) =>
        rule.verbs.every((verb) => ['get', 'list', 'watch', 'update'].includes(verb)),
      ),
      'nothing cluster-wide creates, patches or deletes',
    );
    assert.ok(
      clusterRole.every(
        (rule) =>
          rule.resources.every((resource) => resource.endsWith('/status')) || !rule.verbs.includes('update'),
      ),
      'only status is written',
    );
    const role = only(objects, 'Role');
    assert.equal(role.metadata.namespace, 'sluice-system');
    assert.deepEqual(role.rules, [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        resourceNames: ['sluice-leader'],
        verbs: ['get', 'update'],
      },
    ]);
    assert.ok((at(container, 'args') as string[]).includes('--lease-name=sluice-leader'));
  });

  test('--hpa adds an autoscaler and leaves the replica count to it', () => {
    const scaled = installObjects(
      parseManifestsArgs(['--hpa', '--replicas', '3', '--max-replicas', '7']).options,
    );
    const hpa = only(scaled, 'HorizontalPodAutoscaler');
    assert.equal(at(hpa, 'spec', 'minReplicas'), 3);
    assert.equal(at(hpa, 'spec', 'maxReplicas'), 7);
    assert.equal(at(only(scaled, 'Deployment'), 'spec', 'replicas'), undefined);
    assert.equal(at(only(objects, 'Deployment'), 'spec', 'replicas'), 2);
  });

  test('options name the namespace, image and GatewayClass everywhere they appear', () => {
    const chosen = installObjects(
      parseManifestsArgs([
        '--namespace',
        'edge',
        '--image',
        'registry.local/sluice:dev',
        '--gateway-class',
        'llm',
      ]).options,
    );
    for (const object of chosen.filter(
      (object) => !['ClusterRole', 'ClusterRoleBinding', 'GatewayClass'].includes(object.kind),
    )) {
      assert.equal(object.metadata.namespace ?? object.metadata.name, 'edge', object.kind);
    }
    assert.equal(at(only(chosen, 'ClusterRoleBinding'), 'subjects', 0, 'namespace'), 'edge');
    assert.equal(
      at(only(chosen, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'image'),
      'registry.local/sluice:dev',
    );
    assert.equal(only(chosen, 'GatewayClass').metadata.name, 'llm');
  });

  test('bad options are usage errors', () => {
    for (const args of [
      ['--namespace', 'Not_A_Label'],
      ['--replicas', '0'],
      ['--replicas', '1.5'],
      ['--max-replicas', '4'],
      ['--hpa', '--replicas', '5', '--max-replicas', '4'],
      ['--listener-port', '80', '--listener-port', '80'],
      ['--listener-port', '70000'],
      ['--service-type', 'ExternalName'],
      ['--output', 'toml'],
      ['--gateway-class', 'UPPER'],
      ['--nope'],
    ]) {
      assert.throws(
        () => parseManifestsArgs(args),
        (error: unknown) => error instanceof SluiceError && error.code === 'cli_usage',
        args.join(' '),
      );
    }
  });

  test('YAML documents and a JSON List hold the same objects', () => {
    const fromYaml = parseAllDocuments(printed([])).map((document) => document.toJS());
    const fromJson = JSON.parse(printed(['--output', 'json'])) as { kind: string; items: unknown[] };
    assert.equal(fromJson.kind, 'List');
    assert.deepEqual(fromYaml, fromJson.items);
    assert.deepEqual(fromJson.items, JSON.parse(JSON.stringify(objects)));
  });
});

describe('deploy/ (the kustomize base)', () => {
  test('holds exactly what `npm run manifests` writes', async () => {
    const expected = kustomizeBase();
    const onDisk = (await filesUnder(deployDir)).filter((file) => file.endsWith('.yaml')).sort();
    assert.deepEqual(onDisk, [...expected.keys()].sort(), 'the generated files, and no others');
    for (const [file, text] of expected) {
      assert.equal(
        await readFile(join(deployDir, file), 'utf8'),
        text,
        `deploy/${file} is stale: run npm run manifests`,
      );
    }
  });
});
