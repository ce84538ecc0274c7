// The install manifests against a real kube-apiserver: `kubectl kustomize deploy/` renders what `sluice
// manifests` prints, the API server accepts every object (server-side dry run) and the Pod under its
// restricted Pod Security Standard, and Sluice running with exactly the install's ServiceAccount, RBAC and
// container args serves the Kubernetes examples and writes their status.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { yamlDocuments } from '../../src/cli/manifests.ts';
import { deployDir, hpaComponent } from '../../src/cli/manifests-base.ts';
import {
  defaultInstallOptions,
  defaultMaxReplicas,
  type InstallObject,
  installObjects,
} from '../../src/cli/manifests-objects.ts';
import { eventually, get, repositoryRoot, SluiceChild } from '../e2e/harness.ts';
import { describeKubernetes } from './suite.ts';
import { startTestbed, type Testbed } from './testbed.ts';

const defaults = defaultInstallOptions();
const examples = join(repositoryRoot, 'examples', 'kubernetes');

/** Objects as plain JSON, sorted by kind, namespace and name, to compare sets of manifests. */
function normalized(objects: readonly unknown[]): unknown[] {
  const key = (object: unknown) => {
    const { kind, metadata } = object as InstallObject;
    return `${kind}/${metadata.namespace ?? ''}/${metadata.name}`;
  };
  return (JSON.parse(JSON.stringify(objects)) as unknown[]).sort((a, b) => key(a).localeCompare(key(b)));
}

/** The Deployment's Pod spec. */
function podSpec(objects: readonly InstallObject[]): { containers: { args: string[] }[] } {
  const deployment = objects.find((object) => object.kind === 'Deployment');
  assert.ok(deployment, 'the install has a Deployment');
  return (deployment.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec;
}

function documents(yaml: string): unknown[] {
  return parseAllDocuments(yaml)
    .map((document) => document.toJS() as unknown)
    .filter((object) => object !== null);
}

await describeKubernetes(import.meta.filename, 'install manifests', () => {
  let bed: Testbed;
  let work: string;
  let sluice: SluiceChild | undefined;

  before(async () => {
    bed = await startTestbed();
    work = await mkdtemp(join(tmpdir(), 'sluice-install-'));
  });

  after(async () => {
    await sluice?.stop();
    await bed?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('kubectl kustomize deploy/ renders the objects sluice manifests prints', async () => {
    const rendered = documents(await bed.kubectl(['kustomize', deployDir]));
    assert.deepEqual(normalized(rendered), normalized(installObjects(defaults)));
  });

  test('the base with the autoscaler component renders what sluice manifests --hpa prints', async () => {
    const overlay = join(work, 'overlay');
    await mkdir(overlay);
    await writeFile(
      join(overlay, 'kustomization.yaml'),
      yamlDocuments([
        {
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          metadata: { name: 'with-autoscaler' },
          resources: [relative(overlay, deployDir)],
          components: [relative(overlay, join(deployDir, hpaComponent))],
        },
      ]),
    );
    const rendered = documents(await bed.kubectl(['kustomize', overlay]));
    const expected = installObjects({ ...defaults, hpa: { maxReplicas: defaultMaxReplicas } });
    assert.deepEqual(normalized(rendered), normalized(expected));
  });

  test('the API server accepts every object of the install (server-side dry run)', async () => {
    // Namespaced objects need their namespace to exist, even in a dry run; the rest is not created.
    const [namespace] = installObjects(defaults);
    await bed.apply(yamlDocuments([namespace]));
    const everything = installObjects({ ...defaults, hpa: { maxReplicas: defaultMaxReplicas } });
    const output = await bed.kubectl(['apply', '--dry-run=server', '-f', '-'], yamlDocuments(everything));
    for (const object of everything) {
      assert.match(output, new RegExp(`/${object.metadata.name} \\w+ \\(server dry run\\)`), object.kind);
    }
    assert.equal(output.trim().split('\n').length, everything.length, output);
  });

  test("the Deployment's Pod meets the restricted Pod Security Standard its namespace enforces", async () => {
    const pod = (spec: unknown) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'sluice-pod-security', namespace: defaults.namespace },
        spec,
      });
    await bed.kubectl(['create', '--dry-run=server', '-f', '-'], pod(podSpec(installObjects(defaults))));
    // The same check refuses a Pod without the security settings, so the pass above means something.
    await assert.rejects(
      bed.kubectl(
        ['create', '--dry-run=server', '-f', '-'],
        pod({ containers: [{ name: 'plain', image: 'x' }] }),
      ),
      /violates PodSecurity "restricted/,
    );
  });

  test("Sluice with the install's ServiceAccount, RBAC and container args serves the examples and writes status", async () => {
    const objects = installObjects(defaults);
    await bed.apply(yamlDocuments(objects));
    await bed.kubectl(['apply', '--recursive', '-f', examples]);
    const modelServer = await readFile(join(examples, 'first-gateway', 'model-server.yaml'), 'utf8');
    assert.ok(
      modelServer.includes(`image: ${defaults.image}\n`),
      'the example runs the image of this version',
    );

    // The ServiceAccount's own token, as the Pod would mount it.
    const token = (
      await bed.kubectl(['create', 'token', 'sluice', '--namespace', defaults.namespace])
    ).trim();
    const kubeconfigFile = join(work, 'serviceaccount.kubeconfig');
    await writeFile(kubeconfigFile, bed.kubeconfigFor({ token }));

    const [container] = podSpec(objects).containers;
    // What the Pod has and a process outside one lacks: its name (downward API), its own namespace (the
    // mounted service account) for the Lease and the Service, and the credentials.
    process.env.POD_NAME = 'sluice-5d8c7-x2x9q';
    sluice = new SluiceChild([
      ...container.args,
      '--kubeconfig',
      kubeconfigFile,
      '--lease-namespace',
      defaults.namespace,
      `--gateway-service=${defaults.namespace}/sluice`,
    ]);
    // A Sluice that cannot list what it watches never finishes starting; the stop in `after` ends it.
    await sluice.waitForLog('serving', { mode: 'kubernetes' });
    // The probes' address and paths, from the container args.
    assert.equal((await get('http://127.0.0.1:9901/readyz')).status, 200);
    assert.equal((await get('http://127.0.0.1:9901/healthz')).status, 200);

    await bed.kubectl([
      'wait',
      '--for=condition=Accepted',
      '--timeout=60s',
      `gatewayclass/${defaults.gatewayClass}`,
    ]);
    await bed.kubectl(['wait', '--for=condition=Programmed', '--timeout=60s', 'gateway/inference']);
    await bed.kubectl([
      'wait',
      '--for=jsonpath={.status.parents[0].conditions[?(@.type=="Accepted")].status}=True',
      '--timeout=60s',
      'httproute/llama',
    ]);
    // The Gateway's address is the install's Service (no load balancer here: its cluster IP).
    const clusterIP = await bed.kubectl([
      'get',
      'service',
      'sluice',
      '--namespace',
      defaults.namespace,
      '-o',
      'jsonpath={.spec.clusterIP}',
    ]);
    await bed.kubectl([
      'wait',
      `--for=jsonpath={.status.addresses[0].value}=${clusterIP}`,
      '--timeout=60s',
      'gateway/inference',
    ]);
    const holder = await bed.kubectl([
      'get',
      'lease',
      'sluice-leader',
      '--namespace',
      defaults.namespace,
      '-o',
      'jsonpath={.spec.holderIdentity}',
    ]);
    assert.equal(holder, process.env.POD_NAME);
    // The listener port as the Service exposes it, bound by the process as written.
    await eventually('the Gateway listener answers on port 80', async () =>
      (await get('http://127.0.0.1:80/').catch(() => undefined)) ? true : undefined,
    );
    const forbidden = sluice.logs().filter((line) => JSON.stringify(line).includes('forbidden'));
    assert.deepEqual(forbidden, [], 'no request was forbidden');
  });
});
