// Which requests are gRPC calls.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGrpcContentType } from './protocol.ts';

test('application/grpc and its subtypes are gRPC; gRPC-Web and look-alikes are not', () => {
  for (const type of [
    'application/grpc',
    'application/grpc+proto',
    'application/grpc+json',
    'Application/GRPC',
  ]) {
    assert.equal(isGrpcContentType(type), true, type);
  }
  assert.equal(isGrpcContentType('application/grpc;charset=utf-8'), true);
  for (const type of [
    undefined,
    '',
    'application/json',
    'application/grpc-web',
    'application/grpc-web+proto',
    'application/grpcx',
  ]) {
    assert.equal(isGrpcContentType(type), false, String(type));
  }
});
