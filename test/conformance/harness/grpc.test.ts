// Tests for the gRPC expectations: upstream's compareResponse and GetTestCaseName, and calls through a
// real echo server.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { type GrpcEchoServer, grpcEchoService, startGrpcEchoServer } from '../../../src/sim/echo-grpc.ts';
import { compareGrpcResponse, GrpcEchoClient, type GrpcResponse, grpcTestCaseName } from './grpc.ts';

let echo: GrpcEchoServer;

before(async () => {
  echo = await startGrpcEchoServer({
    host: '127.0.0.1',
    port: 0,
    pod: 'grpc-infra-backend-v1-abc-def',
    namespace: 'gateway-conformance-infra',
  });
});

after(() => echo.close());

function answer(method: string, pod: string, namespace = 'ns'): GrpcResponse {
  return {
    code: grpc.status.OK,
    response: {
      assertions: { fully_qualified_method: `/${grpcEchoService}/${method}`, context: { namespace, pod } },
    },
  };
}

test('an OK answer is compared by method, namespace when given, and pod prefix', () => {
  const expected = { method: 'Echo' as const, backend: 'grpc-infra-backend-v1', namespace: 'ns' };
  assert.equal(compareGrpcResponse(expected, answer('Echo', 'grpc-infra-backend-v1-a-b')), undefined);
  assert.match(compareGrpcResponse(expected, answer('EchoTwo', 'grpc-infra-backend-v1-a-b')) ?? '', /path/);
  assert.match(compareGrpcResponse(expected, answer('Echo', 'grpc-infra-backend-v2-a-b')) ?? '', /pod name/);
  assert.match(
    compareGrpcResponse(expected, answer('Echo', 'grpc-infra-backend-v1-a-b', 'other')) ?? '',
    /namespace/,
  );
  assert.equal(compareGrpcResponse({ method: 'Echo' }, answer('Echo', 'x', 'other')), undefined);
});

test('a status other than the expected one is a mismatch; a matching error status is not', () => {
  const unimplemented = { method: 'EchoThree' as const, code: grpc.status.UNIMPLEMENTED };
  assert.equal(compareGrpcResponse(unimplemented, { code: grpc.status.UNIMPLEMENTED }), undefined);
  assert.match(compareGrpcResponse(unimplemented, answer('EchoThree', 'x')) ?? '', /UNIMPLEMENTED/);
});

test('test case names follow upstream', () => {
  assert.equal(
    grpcTestCaseName(
      { method: 'Echo', requestMetadata: { metadata: { Version: 'two', Color: 'blue' } }, backend: 'v2' },
      3,
    ),
    `3 request to '/${grpcEchoService}/Echo' with headers '{Color:blue,Version:two}' should go to v2`,
  );
  assert.equal(
    grpcTestCaseName(
      { method: 'Echo', requestMetadata: { authority: 'foo.com' }, code: grpc.status.UNIMPLEMENTED },
      6,
    ),
    `6 request to 'foo.com/${grpcEchoService}/Echo' should receive a Unimplemented (12)`,
  );
});

test('the client reaches the echo with its authority and metadata', async () => {
  const client = new GrpcEchoClient();
  try {
    const got = await client.send(
      `127.0.0.1:${echo.port}`,
      { method: 'EchoTwo', requestMetadata: { authority: 'bar.com', metadata: { Version: 'one' } } },
      5_000,
    );
    assert.equal(got.code, grpc.status.OK);
    assert.equal(got.response?.assertions?.authority, 'bar.com');
    assert.ok(
      got.response?.assertions?.headers?.some((header) => header.key === 'version' && header.value === 'one'),
    );
    assert.equal(
      (await client.send(`127.0.0.1:${echo.port}`, { method: 'EchoThree' }, 5_000)).code,
      grpc.status.UNIMPLEMENTED,
    );
  } finally {
    client.close();
  }
});
