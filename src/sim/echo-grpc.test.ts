// Tests for the gRPC echo backend: what Echo and EchoTwo report, and EchoThree's UNIMPLEMENTED.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  type GrpcEchoMethod,
  type GrpcEchoResponse,
  type GrpcEchoServer,
  grpcEchoDefinition,
  grpcEchoService,
  startGrpcEchoServer,
} from './echo-grpc.ts';

let echo: GrpcEchoServer;
let client: grpc.Client;

before(async () => {
  echo = await startGrpcEchoServer({
    host: '127.0.0.1',
    port: 0,
    pod: 'grpc-infra-backend-v1-abc-def',
    namespace: 'gateway-conformance-infra',
  });
  client = new grpc.Client(`127.0.0.1:${echo.port}`, grpc.credentials.createInsecure(), {
    'grpc.default_authority': 'example.com',
  });
});

after(async () => {
  client.close();
  await echo.close();
});

function call(method: GrpcEchoMethod, metadata = new grpc.Metadata()): Promise<GrpcEchoResponse> {
  const definition = grpcEchoDefinition()[method];
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      definition.path,
      definition.requestSerialize,
      (bytes: Buffer) => definition.responseDeserialize(bytes) as GrpcEchoResponse,
      {},
      metadata,
      (error, response) => (error || !response ? reject(error) : resolve(response)),
    );
  });
}

test('Echo reports the method, authority, metadata and the pod context', async () => {
  const metadata = new grpc.Metadata();
  metadata.add('x-color', 'blue');
  const response = await call('Echo', metadata);
  const assertions = response.assertions;
  assert.equal(assertions?.fully_qualified_method, `/${grpcEchoService}/Echo`);
  assert.equal(assertions?.authority, 'example.com');
  assert.deepEqual(assertions?.context, {
    namespace: 'gateway-conformance-infra',
    ingress: '',
    service_name: '',
    pod: 'grpc-infra-backend-v1-abc-def',
  });
  const headers = assertions?.headers ?? [];
  assert.ok(headers.some((header) => header.key === 'x-color' && header.value === 'blue'));
  assert.ok(headers.some((header) => header.key === ':authority' && header.value === 'example.com'));
});

test('EchoTwo answers like Echo under its own method name', async () => {
  const response = await call('EchoTwo');
  assert.equal(response.assertions?.fully_qualified_method, `/${grpcEchoService}/EchoTwo`);
});

test('EchoThree is unimplemented', async () => {
  await assert.rejects(call('EchoThree'), (error: grpc.ServiceError) => {
    assert.equal(error.code, grpc.status.UNIMPLEMENTED);
    return true;
  });
});
