// Golden tests of the translator: `<case>.in.yaml` (manifests) → `<case>.out.yaml` (IR + status).
// Run `npm run golden` to rewrite the expectations after an intended change, then review the diff.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { parseManifests } from '../../src/providers/file/parse.ts';
import type { KubeObject } from '../../src/resources/object.ts';
import { admit } from '../../src/resources/registry.ts';
import { translate } from '../../src/translate/translate.ts';
import { CONTROLLER_NAME } from '../../src/translate/types.ts';

const dir = import.meta.dirname;
const update = process.env.SLUICE_UPDATE_GOLDEN === '1';

/** Admits the manifests like the file provider does, with deterministic generation and creation times. */
function loadCase(file: string): KubeObject[] {
  const { objects, problems } = parseManifests(file, readFileSync(file, 'utf8'));
  assert.deepEqual(problems, [], `${file} must parse`);
  return objects.map((parsed, index) => {
    const admission = admit(parsed.raw);
    const errors = admission.problems.filter((problem) => problem.severity === 'error');
    assert.deepEqual(errors, [], `${file}:${parsed.source.line} must be valid`);
    const object = admission.object!;
    object.metadata.generation ??= 1;
    object.metadata.creationTimestamp ??= new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString();
    return object;
  });
}

/** Certificates and keys are long and secret: the golden output shows a short digest instead. */
function redact(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.includes('-----BEGIN')) {
    return `<pem sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}>`;
  }
  return value;
}

for (const name of readdirSync(dir)
  .filter((file) => file.endsWith('.in.yaml'))
  .sort()) {
  const base = name.slice(0, -'.in.yaml'.length);
  test(`translate golden: ${base}`, () => {
    const objects = loadCase(join(dir, name));
    const result = translate(objects, {
      controllerName: CONTROLLER_NAME,
      addressPool: '127.0.100.0/24',
      defaultAddress: '127.0.0.1',
    });
    const status = Object.fromEntries(
      [...result.status].sort(([a], [b]) => a.localeCompare(b)).map(([key, entry]) => [key, entry.status]),
    );
    const actual = stringify(JSON.parse(JSON.stringify({ ir: result.ir, status }, redact)), { lineWidth: 0 });
    const outFile = join(dir, `${base}.out.yaml`);
    if (update) writeFileSync(outFile, actual);
    assert.equal(actual, readFileSync(outFile, 'utf8'));
    // Purity: the same input gives the same output.
    assert.deepEqual(
      translate(objects, {
        controllerName: CONTROLLER_NAME,
        addressPool: '127.0.100.0/24',
        defaultAddress: '127.0.0.1',
      }),
      result,
    );
  });
}
