// Declares a Kubernetes test suite: run directly, it is one test that re-runs the file inside a network
// namespace of its own (see netns.ts); inside that namespace, it is the suite itself.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inOwnNetworkNamespace, runInOwnNetworkNamespace } from './netns.ts';
import { testbedUnavailable } from './testbed.ts';

/** Lines of the inner run worth repeating in the outer report: each test's verdict. */
const summaryLine = /^\s*(✔|✖|﹣) /;

export async function describeKubernetes(file: string, name: string, suite: () => void): Promise<void> {
  if (inOwnNetworkNamespace) {
    describe(name, suite);
    return;
  }
  const skip = await testbedUnavailable();
  test(`${name} (in a network namespace of its own)`, { skip: skip ?? false }, async (t) => {
    const { code, output } = await runInOwnNetworkNamespace(file);
    assert.equal(code, 0, output);
    for (const line of output.split('\n')) if (summaryLine.test(line)) t.diagnostic(line.trim());
  });
}
