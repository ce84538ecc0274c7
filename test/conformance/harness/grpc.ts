// Upstream `conformance/utils/grpc`: gRPC calls to the echo service through the gateway (plaintext
// HTTP/2 with prior knowledge), compared with what a test expects, until the answers are consistent.

import * as grpc from '@grpc/grpc-js';
import {
  type GrpcEchoMethod,
  type GrpcEchoResponse,
  grpcEchoDefinition,
  grpcEchoService,
} from '../../../src/sim/echo-grpc.ts';
import { awaitConvergence } from './expect.ts';

const maxTimeToConsistencyMs = 30_000;

export interface ExpectedGrpcResponse {
  /** Which RPC to call: upstream sets one of EchoRequest, EchoTwoRequest, EchoThreeRequest. */
  method: GrpcEchoMethod;
  /** The `:authority` to send (the Gateway address when unset) and metadata to add. */
  requestMetadata?: { authority?: string; metadata?: Record<string, string> };
  /** The status code to get; OK when unset. */
  code?: grpc.status;
  /** Pod name prefix of the backend that must answer. */
  backend?: string;
  /** Namespace the answering backend must report; not compared when unset. */
  namespace?: string;
  testCaseName?: string;
}

export interface GrpcResponse {
  code: grpc.status;
  response?: GrpcEchoResponse;
}

/**
 * Upstream `DefaultClient`: one channel, dialled lazily with the first call's authority and reused,
 * except after an INTERNAL status, which resets it.
 */
export class GrpcEchoClient {
  #channel: grpc.Client | undefined;

  /** Upstream `SendRPC`: rejects only when the call cannot be made; a status is an answer. */
  async send(address: string, expected: ExpectedGrpcResponse, timeoutMs: number): Promise<GrpcResponse> {
    const authority = expected.requestMetadata?.authority;
    this.#channel ??= new grpc.Client(address, grpc.credentials.createInsecure(), {
      ...(authority ? { 'grpc.default_authority': authority } : {}),
    });
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(expected.requestMetadata?.metadata ?? {})) {
      // Go's metadata.New lower-cases keys, as HTTP/2 requires.
      metadata.add(key.toLowerCase(), value);
    }
    const result = await unaryCall(this.#channel, expected.method, metadata, timeoutMs);
    if (result.code === grpc.status.INTERNAL) this.close();
    return result;
  }

  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
  }
}

function unaryCall(
  channel: grpc.Client,
  method: GrpcEchoMethod,
  metadata: grpc.Metadata,
  timeoutMs: number,
): Promise<GrpcResponse> {
  const definition = grpcEchoDefinition()[method];
  return new Promise((resolve) => {
    channel.makeUnaryRequest(
      definition.path,
      definition.requestSerialize,
      (bytes: Buffer) => definition.responseDeserialize(bytes) as GrpcEchoResponse,
      {},
      metadata,
      { deadline: Date.now() + timeoutMs },
      (error, response) => {
        if (error) resolve({ code: error.code });
        else resolve({ code: grpc.status.OK, response });
      },
    );
  });
}

/** Upstream `compareResponse`: the first mismatch, or `undefined`. */
export function compareGrpcResponse(expected: ExpectedGrpcResponse, got: GrpcResponse): string | undefined {
  const code = expected.code ?? grpc.status.OK;
  if (got.code !== code) {
    return `expected status code to be ${grpc.status[code]} (${code}), but got ${grpc.status[got.code]} (${got.code})`;
  }
  if (got.code !== grpc.status.OK) return undefined;
  const assertions = got.response?.assertions;
  const method = fullyQualifiedMethod(expected);
  if (assertions?.fully_qualified_method !== method) {
    return `expected path to be ${method}, got ${assertions?.fully_qualified_method}`;
  }
  const namespace = assertions?.context?.namespace ?? '';
  if (expected.namespace && expected.namespace !== namespace) {
    return `expected namespace to be ${expected.namespace}, got ${namespace}`;
  }
  const pod = assertions?.context?.pod ?? '';
  if (!pod.startsWith(expected.backend ?? '')) {
    return `expected pod name to start with ${expected.backend}, got ${pod}`;
  }
  return undefined;
}

function fullyQualifiedMethod(expected: ExpectedGrpcResponse): string {
  return `/${grpcEchoService}/${expected.method}`;
}

/** Upstream `ExpectedResponse.GetTestCaseName`. */
export function grpcTestCaseName(expected: ExpectedGrpcResponse, index: number): string {
  if (expected.testCaseName) return expected.testCaseName;
  const metadata = expected.requestMetadata?.metadata ?? {};
  const names = Object.keys(metadata).sort();
  const headers =
    names.length > 0 ? ` with headers '{${names.map((name) => `${name}:${metadata[name]}`).join(',')}}'` : '';
  const request = `${index} request to '${expected.requestMetadata?.authority ?? ''}${fullyQualifiedMethod(expected)}'${headers}`;
  if (expected.backend) return `${request} should go to ${expected.backend}`;
  const code = expected.code ?? grpc.status.OK;
  return `${request} should receive a ${grpcCodeName(code)} (${code})`;
}

/** Go's `codes.Code.String()`: `Unimplemented`, `OK`, `Unavailable`… */
function grpcCodeName(code: grpc.status): string {
  if (code === grpc.status.OK) return 'OK';
  return (grpc.status[code] ?? `Code(${code})`)
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_whole, _underscore: string, letter: string) => letter.toUpperCase());
}

/** Upstream `grpc.MakeRequestAndExpectEventuallyConsistentResponse`, with its own client. */
export async function expectEventuallyConsistentGrpcResponse(
  gatewayAddress: string,
  expected: ExpectedGrpcResponse,
  diagnostics: () => string,
): Promise<void> {
  const client = new GrpcEchoClient();
  const started = Date.now();
  try {
    await awaitConvergence(
      `${expected.method} to ${gatewayAddress} (authority ${expected.requestMetadata?.authority ?? 'default'})`,
      async () => {
        const remaining = Math.max(1, maxTimeToConsistencyMs - (Date.now() - started));
        try {
          return compareGrpcResponse(expected, await client.send(gatewayAddress, expected, remaining));
        } catch (error) {
          return `failed to send RPC: ${String(error)}`;
        }
      },
      diagnostics,
    );
  } finally {
    client.close();
  }
}

/** Upstream `grpc.AddEntropy`: half of the calls carry a random `x-jitter` metadata entry. */
export function withEntropy(expected: ExpectedGrpcResponse): ExpectedGrpcResponse {
  if (Math.random() < 0.5) return expected;
  const metadata = {
    ...expected.requestMetadata?.metadata,
    'x-jitter': String(Math.floor(Math.random() * 10_000)),
  };
  return { ...expected, requestMetadata: { ...expected.requestMetadata, metadata } };
}
