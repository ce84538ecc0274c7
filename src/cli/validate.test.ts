import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { SluiceError } from '../errors.ts';
import { runValidate } from './validate.ts';

/** Fixture directories as a person would type them, relative to where the tests run. */
const fixtures = relative(process.cwd(), join(import.meta.dirname, '../../test/validate'));

async function validate(...args: string[]): Promise<{ code: number; lines: string[] }> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const code = await runValidate(args, out);
  return { code, lines: text.split('\n').slice(0, -1) };
}

test('sluice validate: a valid directory (with a List in JSON, sub-directories, a skipped hidden one) exits 0', async () => {
  assert.deepEqual(await validate(join(fixtures, 'good')), {
    code: 0,
    lines: ['4 files, 9 valid objects: 0 errors, 0 warnings'],
  });
});

test('sluice validate: warnings are printed and exit 0', async () => {
  const file = join(fixtures, 'warnings', 'route.yaml');
  assert.deepEqual(await validate(join(fixtures, 'warnings')), {
    code: 0,
    lines: [
      `${file}:10: HTTPRoute/default/named-rules: warning: spec.rules[0].timeout: unknown field; it is ignored`,
      `${file}:15: HTTPRoute/default/named-rules: warning: spec.rules[1].backendRef: unknown field; it is ignored`,
      `${file}:18: Deployment/later: warning: kind Deployment of "apps/v1" is not supported by Sluice; the object is ignored`,
      '1 file, 1 valid object: 0 errors, 3 warnings',
    ],
  });
});

test('sluice validate: errors are printed with file, line, object and field, and exit 1', async () => {
  const gateway = join(fixtures, 'bad', 'gateway.yaml');
  const routes = join(fixtures, 'bad', 'routes.yaml');
  const duplicate = join(fixtures, 'bad', 'zz-duplicate.yaml');
  assert.deepEqual(await validate(join(fixtures, 'bad')), {
    code: 1,
    lines: [
      `${gateway}:5: GatewayClass/sluice: error: metadata.namespace: GatewayClass is cluster-scoped; remove metadata.namespace`,
      `${gateway}:7: GatewayClass/sluice: error: spec.controllerName: invalid value "sluice": must be a domain-prefixed path such as "example.com/gateway-controller"`,
      `${gateway}:19: Gateway/default/front: error: spec.listeners[0].tls: must not be set for protocol HTTP; only HTTPS and TLS listeners use tls`,
      `${gateway}:22: Gateway/default/front: error: spec.listeners[1]: listener "http" already uses port 80, protocol HTTP and no hostname; each combination must be unique`,
      `${routes}:7: HTTPRoute/default/broken: error: spec.hostnames[0]: invalid value "Example.com": must be a lowercase hostname such as "example.com", optionally starting with "*." (no port, no trailing dot)`,
      `${routes}:11: HTTPRoute/default/broken: error: spec.rules[0].matches[0].path.type: unsupported value "Prefix"; must be one of: "Exact", "PathPrefix", "RegularExpression"`,
      `${routes}:14: HTTPRoute/default/broken: error: spec.rules[0].backendRefs[0].port: a reference to a Service must set port (the Service port to send to)`,
      `${routes}:18: HTTPRoute/default/broken: error: spec.rules[1].matches[0].path.value: must not contain "//" for type Exact`,
      `${duplicate}:1: HTTPRoute/default/ok: error: duplicate object: HTTPRoute/default/ok is already defined at ${routes}:27; this one is ignored`,
      '3 files, 1 valid object: 9 errors, 0 warnings',
    ],
  });
});

test('sluice validate: a missing directory is an error without a line', async () => {
  const missing = join(fixtures, 'missing');
  const { code, lines } = await validate(missing);
  assert.equal(code, 1);
  assert.match(lines[0], new RegExp(`^${missing.replaceAll('\\', '\\\\')}: error: cannot read: ENOENT`));
  assert.equal(lines[1], '0 files, 0 valid objects: 1 error, 0 warnings');
});

test('sluice validate: no directory is a usage error; --help prints the usage', async () => {
  await assert.rejects(validate(), (error) => error instanceof SluiceError && error.code === 'cli_usage');
  await assert.rejects(
    validate('--strict', 'dir'),
    (error) => error instanceof SluiceError && error.code === 'cli_usage',
  );
  const help = await validate('--help');
  assert.equal(help.code, 0);
  assert.match(help.lines[0], /^sluice validate DIR\|FILE/);
});
