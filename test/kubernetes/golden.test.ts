// The translator's golden cases, read through a real API server: each case's manifests are applied,
// the Kubernetes provider's snapshot is translated, and IR and status must equal what file mode gives
// for the same manifests (given the server's creation times, which order equally old objects). The
// provider reads only the Pods, Secrets and ConfigMaps that objects select or name; file mode reads them
// all, so the equality also shows that nothing the translator needs is left unread.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { parseManifests } from '../../src/providers/file/parse.ts';
import { KubeClient } from '../../src/providers/kubernetes/client.ts';
import { loadKubeConfig } from '../../src/providers/kubernetes/kubeconfig.ts';
import { KubernetesProvider } from '../../src/providers/kubernetes/provider.ts';
import type { ReflectorScope } from '../../src/providers/kubernetes/reflector.ts';
import { isPlainObject } from '../../src/resources/check.ts';
import { type KubeObject, objectKey } from '../../src/resources/object.ts';
import { admit } from '../../src/resources/registry.ts';
import { translate } from '../../src/translate/translate.ts';
import { CONTROLLER_NAME, type TranslateResult } from '../../src/translate/types.ts';
import { eventually } from '../e2e/harness.ts';
import { describeKubernetes } from './suite.ts';
import { startTestbed, type Testbed } from './testbed.ts';

const goldenDir = join(import.meta.dirname, '..', 'translate');
const options = {
  controllerName: CONTROLLER_NAME,
  addressPool: '127.0.100.0/24',
  defaultAddress: '127.0.0.1',
};

interface GoldenCase {
  name: string;
  /** Raw manifests in file order. */
  raws: Record<string, unknown>[];
}

/**
 * The API server refuses loopback EndpointSlice addresses, which standalone goldens use; both modes get
 * the same documentation-range addresses instead (127.0.y.z → 198.18.y.z, ::1 → 2001:db8::1).
 */
function withoutLoopbackEndpoints(raw: Record<string, unknown>): Record<string, unknown> {
  if (raw.kind !== 'EndpointSlice' || !Array.isArray(raw.endpoints)) return raw;
  const endpoints = raw.endpoints.map((endpoint: unknown) => {
    if (!isPlainObject(endpoint) || !Array.isArray(endpoint.addresses)) return endpoint;
    const addresses = endpoint.addresses.map((address: unknown) =>
      address === '::1' ? '2001:db8::1' : String(address).replace(/^127\.\d+\./, '198.18.'),
    );
    return { ...endpoint, addresses };
  });
  return { ...raw, endpoints };
}

function readCase(name: string): GoldenCase {
  const file = join(goldenDir, `${name}.in.yaml`);
  const { objects } = parseManifests(file, readFileSync(file, 'utf8'));
  return {
    name,
    raws: objects
      .map((parsed) => parsed.raw)
      .filter(isPlainObject)
      .map(withoutLoopbackEndpoints),
  };
}

/** Whether the provider reads `object`: every object of a kind it watches whole, else one a scope selects. */
function watched(object: KubeObject, referencedKinds: Set<string>, scopes: ReflectorScope[]): boolean {
  if (!referencedKinds.has(object.kind)) return true;
  const namespace = object.metadata.namespace ?? 'default';
  const labels = object.metadata.labels ?? {};
  const hasLabels = (selector: string) =>
    selector.split(',').every((pair) => {
      const [key, value] = pair.split('=');
      return labels[key] === value;
    });
  return scopes.some(
    (scope) =>
      scope.served.kind === object.kind &&
      scope.namespace === namespace &&
      (scope.fieldSelector === undefined ||
        scope.fieldSelector === `metadata.name=${object.metadata.name}`) &&
      (scope.labelSelector === undefined || hasLabels(scope.labelSelector)),
  );
}

function comparable(result: TranslateResult): unknown {
  const status = Object.fromEntries(
    [...result.status].sort(([a], [b]) => a.localeCompare(b)).map(([key, entry]) => [key, entry.status]),
  );
  return JSON.parse(JSON.stringify({ ir: result.ir, status }));
}

/** Namespaces a case's objects live in, that must exist before they can be created. */
function namespacesOf(raws: Record<string, unknown>[]): string[] {
  const names = raws.map((raw) => (isPlainObject(raw.metadata) ? raw.metadata.namespace : undefined));
  return [...new Set(names.filter((name): name is string => typeof name === 'string'))];
}

await describeKubernetes(import.meta.filename, 'translator golden cases through the API server', () => {
  let bed: Testbed;
  let client: KubeClient;
  let provider: KubernetesProvider;
  const created = new Set<string>(['default']);

  before(async () => {
    // Goldens use experimental-channel fields (retry, sessionPersistence), as users of those features must.
    bed = await startTestbed({ gatewayApiChannel: 'experimental' });
    client = new KubeClient(loadKubeConfig(bed.kubeconfig));
    provider = new KubernetesProvider(client);
    await provider.start(() => {});
  });

  after(async () => {
    await provider?.close();
    await bed?.stop();
  });

  const cases = readdirSync(goldenDir)
    .filter((file) => file.endsWith('.in.yaml'))
    .map((file) => file.slice(0, -'.in.yaml'.length))
    .sort();

  for (const name of cases) {
    test(`golden case ${name}: same IR and status as file mode`, async (t) => {
      const golden = readCase(name);
      const servedAs = new Map(provider.served.map((kind) => [kind.kind, kind.apiVersion]));
      const served = new Set(servedAs.keys());
      // A kind this server serves under another of its API versions (InferenceObjective as the older
      // inference.networking.x-k8s.io) is applied as that; admission reads both as one.
      const raws = golden.raws
        .filter((raw) => served.has(String(raw.kind)))
        .map(
          (raw): Record<string, unknown> => ({
            ...raw,
            apiVersion: servedAs.get(String(raw.kind)) ?? raw.apiVersion,
          }),
        );
      const unserved = [
        ...new Set(golden.raws.map((raw) => String(raw.kind)).filter((kind) => !served.has(kind))),
      ];
      if (unserved.length > 0)
        t.diagnostic(`left out on both sides, no CRD installed: ${unserved.join(', ')}`);
      for (const namespace of namespacesOf(raws)) {
        if (created.has(namespace)) continue;
        await bed.kubectl(['create', 'namespace', namespace]);
        created.add(namespace);
      }
      // Applied in file order; status is not taken on create, so Pods get theirs through the subresource below.
      const applied = raws.map(({ status: _status, ...object }) => object);
      await bed.apply(applied.map((raw) => stringify(raw)).join('---\n'));
      for (const raw of raws.filter(
        (candidate) => candidate.kind === 'Pod' && candidate.status !== undefined,
      )) {
        const metadata = raw.metadata as { name: string; namespace?: string };
        await bed.kubectl([
          'patch',
          'pod',
          metadata.name,
          '-n',
          metadata.namespace ?? 'default',
          '--subresource=status',
          '--type=merge',
          `-p=${JSON.stringify({ status: raw.status })}`,
        ]);
      }

      const fileObjects: KubeObject[] = raws.map((raw) => {
        const { object, problems } = admit(structuredClone(raw));
        assert.ok(object, JSON.stringify(problems));
        return object;
      });
      const referencedKinds = new Set(
        provider.served.filter((kind) => kind.referenced).map((kind) => kind.kind),
      );
      const keys = new Set(fileObjects.map(objectKey));
      const clusterObjects = await eventually(`the provider sees what it must of ${name}`, async () => {
        const byKey = new Map(
          provider.snapshot.entries.map((entry) => [objectKey(entry.object), entry.object]),
        );
        const scopes = provider.dependentScopes;
        const expected = fileObjects.filter((object) => watched(object, referencedKinds, scopes));
        if (!expected.every((object) => byKey.has(objectKey(object)))) return undefined;
        // In file order, as file mode sees them.
        return [...keys].flatMap((key) => byKey.get(key) ?? []);
      });
      // File mode stamps its own times; give both sides the server's, which is what orders objects.
      const clusterByKey = new Map(clusterObjects.map((object) => [objectKey(object), object]));
      for (const object of fileObjects) {
        const fromCluster = clusterByKey.get(objectKey(object));
        if (!fromCluster) continue;
        object.metadata.creationTimestamp = fromCluster.metadata.creationTimestamp;
        object.metadata.generation = fromCluster.metadata.generation ?? 1;
      }
      const fromFiles = translate(fileObjects, options);
      assert.ok(fromFiles.status.size > 0, `${name} reports status`);
      assert.deepEqual(comparable(translate(clusterObjects, options)), comparable(fromFiles));

      // Leave the cluster as it was (namespaces stay: nothing here would finalize their deletion).
      const removable = applied.filter((raw) => raw.kind !== 'Namespace');
      await bed.kubectl(
        ['delete', '--ignore-not-found', '--wait=true', '--grace-period=0', '--force', '-f', '-'],
        removable.map((raw) => stringify(raw)).join('---\n'),
      );
      await eventually(`the provider forgets ${name}`, async () =>
        provider.snapshot.entries.some(
          (entry) => entry.object.kind !== 'Namespace' && keys.has(objectKey(entry.object)),
        )
          ? undefined
          : true,
      );
    });
  }
});
