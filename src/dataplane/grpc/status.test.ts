// Registry errors as gRPC statuses, and grpc-message encoding.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SluiceError } from '../../errors.ts';
import { encodeGrpcMessage, grpcStatus, grpcStatusOf } from './status.ts';

test('the gateway errors a gRPC client can meet map to the codes GRPCRoute expects', () => {
  const cases: [SluiceError, number][] = [
    [new SluiceError('route_not_found'), grpcStatus.unimplemented],
    [new SluiceError('backend_invalid'), grpcStatus.unavailable],
    [new SluiceError('no_healthy_endpoints'), grpcStatus.unavailable],
    [new SluiceError('upstream_connect_failed'), grpcStatus.unavailable],
    [new SluiceError('upstream_reset'), grpcStatus.unavailable],
    [new SluiceError('request_timeout'), grpcStatus.deadlineExceeded],
    [new SluiceError('upstream_timeout'), grpcStatus.deadlineExceeded],
    [new SluiceError('misdirected_request'), grpcStatus.unavailable],
  ];
  for (const [error, code] of cases) assert.equal(grpcStatusOf(error), code, error.code);
});

test("other errors follow gRPC's own mapping of their HTTP status", () => {
  assert.equal(grpcStatusOf(new SluiceError('bad_request')), grpcStatus.internal);
  assert.equal(grpcStatusOf(new SluiceError('admin_method_not_allowed')), grpcStatus.unknown);
});

test('grpc-message keeps printable ASCII and percent-encodes the rest as UTF-8', () => {
  assert.equal(encodeGrpcMessage('no route matches POST /a/b'), 'no route matches POST /a/b');
  assert.equal(encodeGrpcMessage('100% done'), '100%25 done');
  assert.equal(encodeGrpcMessage('line\nbreak'), 'line%0Abreak');
  assert.equal(encodeGrpcMessage('café'), 'caf%C3%A9');
});
