// Runs the tests of one upstream conformance profile. A test shared by several profiles (the Gateway
// tests) is one file here, run by each profile that has it, as upstream runs one test per profile.
//
//   npx node test/conformance/profiles.ts GATEWAY-GRPC            # core and extended
//   npx node test/conformance/profiles.ts GATEWAY-HTTP core       # core only
//
// Extra arguments after the profile and part go to `node --test` (e.g. --test-concurrency=2).

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Profile {
  core: string[];
  extended: string[];
}

/** The Gateway tests of every GATEWAY-* profile's core (upstream SupportGateway + SupportReferenceGrant). */
const sharedGatewayTests = [
  'gatewayclass-observed-generation-bump',
  'gateway-invalid-parameters-ref',
  'gateway-invalid-route-kind',
  'gateway-invalid-tls-configuration',
  'gateway-invalid-listeners-unsupported-protocol',
  'gateway-modify-listeners',
  'gateway-observed-generation-bump',
  'gateway-secret-invalid-reference-grant',
  'gateway-secret-missing-reference-grant',
  'gateway-secret-reference-grant-all-in-namespace',
  'gateway-secret-reference-grant-specific',
];

/** Extended tests that need only Gateway features, in every GATEWAY-* profile. */
const sharedGatewayExtendedTests = [
  'gateway-infrastructure',
  'gateway-optional-address-value',
  'gateway-static-addresses',
  'listenerset-allowed-namespace-none',
  'listenerset-allowed-namespace-same',
  'listenerset-allowed-namespace-selector',
  'listenerset-default-not-allowed',
  'listenerset-hostname-conflict',
  'listenerset-protocol-conflict',
  'listenerset-reference-grant',
];

const grpcTests = [
  'grpcroute-exact-method-matching',
  'grpcroute-header-matching',
  'grpcroute-listener-hostname-matching',
  'grpcroute-weight',
];

/** Files that belong to other profiles only: GRPCRoute tests, and a ListenerSet test that needs TLSRoute. */
const notHttp = new Set([...grpcTests, 'listenerset-allowed-routes-supported-kinds']);

/** The core HTTPRoute tests of GATEWAY-HTTP (with the shared Gateway tests and GatewayWithAttachedRoutes). */
const coreHttpRouteTests = [
  'httproute-cross-namespace',
  'httproute-exact-path-matching',
  'httproute-https-listener',
  'httproute-header-matching',
  'httproute-hostname-intersection',
  'httproute-invalid-backendref-unknown-kind',
  'httproute-invalid-cross-namespace-backend-ref',
  'httproute-invalid-cross-namespace-parent-ref',
  'httproute-invalid-nonexistent-backendref',
  'httproute-invalid-parentref-not-matching-section-name',
  'httproute-invalid-reference-grant',
  'httproute-listener-hostname-matching',
  'httproute-matching',
  'httproute-matching-across-routes',
  'httproute-multiple-gateways',
  'httproute-omitted-backendrefs',
  'httproute-observed-generation-bump',
  'httproute-partially-invalid-via-invalid-reference-grant',
  'httproute-path-match-order',
  'httproute-redirect-host-and-status',
  'httproute-reference-grant',
  'httproute-request-header-modifier',
  'httproute-service-types',
  'httproute-simple-same-namespace',
  'httproute-weight',
];

/** GATEWAY-HTTP's extended tests are every other file of this directory. */
function profiles(files: string[]): Record<string, Profile> {
  const httpCore = [...sharedGatewayTests, 'gateway-with-attached-routes', ...coreHttpRouteTests];
  return {
    'GATEWAY-HTTP': {
      core: httpCore,
      extended: files.filter((file) => !httpCore.includes(file) && !notHttp.has(file)),
    },
    'GATEWAY-GRPC': { core: [...sharedGatewayTests, ...grpcTests], extended: sharedGatewayExtendedTests },
  };
}

/** The test files of `profile` (`part`: core, extended, or both), as paths from the repository root. */
export function profileFiles(profile: string, part: 'core' | 'extended' | 'all'): string[] {
  const files = readdirSync(import.meta.dirname)
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => file.slice(0, -'.test.ts'.length));
  const chosen = profiles(files)[profile];
  if (!chosen)
    throw new Error(`unknown profile ${profile}; known: ${Object.keys(profiles(files)).join(', ')}`);
  const names = part === 'all' ? [...chosen.core, ...chosen.extended] : chosen[part];
  const missing = names.filter((name) => !files.includes(name));
  if (missing.length > 0) throw new Error(`${profile} names tests that have no file: ${missing.join(', ')}`);
  return names.map((name) => `test/conformance/${name}.test.ts`);
}

if (import.meta.main) {
  const [profile = '', partArgument, ...rest] = process.argv.slice(2);
  const part = partArgument === 'core' || partArgument === 'extended' ? partArgument : 'all';
  const testArguments = part === 'all' && partArgument !== undefined ? [partArgument, ...rest] : rest;
  const result = spawnSync(process.execPath, ['--test', ...testArguments, ...profileFiles(profile, part)], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
