// A gRPC echo backend that answers like the Gateway API conformance image `echo-basic` in gRPC mode.
//
// Plaintext HTTP/2 (h2c), service `gateway_api_conformance.echo_basic.grpcecho.GrpcEcho` from
// `grpcecho.proto`: `Echo` and `EchoTwo` report the method, metadata, `:authority` and the pod's
// context; `EchoThree` is left unimplemented, so calls to it end with UNIMPLEMENTED.

import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const grpcEchoService = 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho';
export type GrpcEchoMethod = 'Echo' | 'EchoTwo' | 'EchoThree';

export interface GrpcEchoServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  pod: string;
  namespace: string;
  service?: string;
}

export interface GrpcEchoServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

/** `EchoResponse` with proto field names. */
export interface GrpcEchoResponse {
  assertions?: {
    fully_qualified_method?: string;
    headers?: { key?: string; value?: string }[];
    authority?: string;
    context?: { namespace?: string; ingress?: string; service_name?: string; pod?: string };
  };
}

const protoFile = join(import.meta.dirname, 'grpcecho.proto');

/** The GrpcEcho service definition (serializers for both sides), loaded once from the proto file. */
export function grpcEchoDefinition(): grpc.ServiceDefinition {
  definition ??= loadDefinition();
  return definition;
}

let definition: grpc.ServiceDefinition | undefined;

function loadDefinition(): grpc.ServiceDefinition {
  // keepCase: messages use the proto's snake_case field names, as on the wire and in other languages.
  const packageDefinition = loadSync(protoFile, { keepCase: true, defaults: false });
  const service = packageDefinition[grpcEchoService];
  if (service === undefined || 'format' in service || !('Echo' in service)) {
    throw new Error(`${protoFile} does not define the service ${grpcEchoService}`);
  }
  return service as grpc.ServiceDefinition;
}

export async function startGrpcEchoServer(options: GrpcEchoServerOptions): Promise<GrpcEchoServer> {
  const context = {
    namespace: options.namespace,
    ingress: '',
    service_name: options.service ?? '',
    pod: options.pod,
  };
  const echo =
    (method: GrpcEchoMethod): grpc.handleUnaryCall<unknown, GrpcEchoResponse> =>
    (call, callback) => {
      callback(null, {
        assertions: {
          fully_qualified_method: `/${grpcEchoService}/${method}`,
          headers: headersOf(call),
          authority: call.getHost(),
          context,
        },
      });
    };
  const server = new grpc.Server();
  server.addService(grpcEchoDefinition(), { Echo: echo('Echo'), EchoTwo: echo('EchoTwo') });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${options.host}:${options.port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    );
  });
  return {
    address: options.host,
    port,
    // Calls in flight are cut short: a torn-down test world waits for no answers.
    close: async () => server.forceShutdown(),
  };
}

/** Every metadata entry, one per value, plus `:authority` as grpc-go shows it to handlers. */
function headersOf(call: grpc.ServerUnaryCall<unknown, unknown>): { key: string; value: string }[] {
  const headers = [{ key: ':authority', value: call.getHost() }];
  for (const [key, values] of Object.entries(call.metadata.toJSON())) {
    for (const value of values) headers.push({ key, value: String(value) });
  }
  return headers;
}
