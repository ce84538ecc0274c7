// Runs a Kubernetes test file inside network (and PID) namespaces of its own. The API server refuses EndpointSlice
// addresses in 127.0.0.0/8, so the echo backends need an address that is not loopback: inside the
// namespace the loopback interface also carries 192.0.2.10 (TEST-NET-1, RFC 5737, never routed), and
// nothing the test starts is reachable from outside it.

import { spawn } from 'node:child_process';

/** Where echo backends listen, inside the test's own network namespace. */
export const backendAddress = '192.0.2.10';

const marker = 'SLUICE_TEST_NETNS';

/** True in the re-run inside the namespace. */
export const inOwnNetworkNamespace = process.env[marker] === '1';

/** The longest a whole test file may run inside the namespace. */
const FILE_TIMEOUT_MS = 15 * 60_000;

/**
 * Runs `file` with node's test runner in a new network namespace whose loopback carries `backendAddress`.
 * Resolves with its exit code and everything it printed.
 */
export function runInOwnNetworkNamespace(file: string): Promise<{ code: number | null; output: string }> {
  const setup = `ip link set lo up && ip addr add ${backendAddress}/32 dev lo && exec "$@"`;
  const child = spawn(
    'unshare',
    // A PID namespace too: when its first process ends (or unshare is killed), the kernel ends every process
    // the run started, control plane included.
    [
      '--net',
      '--pid',
      '--fork',
      '--kill-child',
      '--',
      'sh',
      '-c',
      setup,
      'sh',
      process.execPath,
      '--test',
      '--test-reporter=spec',
      file,
    ],
    // Without NODE_TEST_CONTEXT the inner runner runs the file as its own top-level run.
    {
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, [marker]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), FILE_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `cannot run unshare: ${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Whether this machine lets the tests make a network namespace (root, or CAP_SYS_ADMIN). */
export async function canMakeNetworkNamespace(): Promise<boolean> {
  const child = spawn('unshare', ['--net', '--', 'ip', 'link', 'set', 'lo', 'up'], { stdio: 'ignore' });
  return new Promise((resolve) => {
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}
