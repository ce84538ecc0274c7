// Test helpers for the admission tables of every kind: run a manifest through `admit` and compare problems.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './object.ts';
import { admit } from './registry.ts';

export interface AdmissionCase {
  name: string;
  manifest: unknown;
  /**
   * Every expected problem, in order, as the start of `path: message` (`warning path: message` for a
   * warning). Empty or absent: the object must be admitted without problems.
   */
  problems?: string[];
}

function render(problem: { severity: string; path: string; message: string }): string {
  return `${problem.severity === 'warning' ? 'warning ' : ''}${problem.path}: ${problem.message}`;
}

export function assertProblems(raw: unknown, expected: readonly string[]): void {
  const actual = admit(raw).problems.map(render);
  assert.equal(
    actual.length,
    expected.length,
    `expected ${expected.length} problems, got:\n${actual.join('\n') || '(none)'}`,
  );
  actual.forEach((line, index) => {
    assert.ok(
      line.startsWith(expected[index]),
      `problem ${index}:\n  got:      ${line}\n  expected: ${expected[index]}…`,
    );
  });
}

/** Registers one test per case. */
export function admissionCases(title: string, cases: readonly AdmissionCase[]): void {
  for (const { name, manifest, problems = [] } of cases) {
    test(`${title}: ${name}`, () => assertProblems(manifest, problems));
  }
}

/** Admits a manifest that must be valid (warnings allowed) and returns the defaulted object. */
export function admitted<T extends KubeObject>(raw: unknown): T {
  const { object, problems } = admit(raw);
  const errors = problems.filter((problem) => problem.severity === 'error').map(render);
  assert.deepEqual(errors, [], 'the manifest must be admitted');
  assert.ok(object);
  return object as T;
}
