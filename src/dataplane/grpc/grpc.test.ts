// gRPC through the data plane with real grpc-js servers and clients: the four call shapes, metadata and
// trailers end to end, and the gateway's own errors as gRPC statuses.

import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { IRBackend, IRCertificate, IRCluster, IRRoute } from '../../ir/types.ts';
import { DataPlane } from '../dataplane.ts';
import {
  cluster,
  freePort,
  httpPort,
  ir,
  makeCertificate,
  prefixMatch,
  quietLog,
  route,
  toCluster,
} from '../testkit.ts';

/** The payload of every call; JSON keeps the test free of a protobuf toolchain (the gateway never reads it). */
interface Note {
  text: string;
}

const serialize = (note: Note) => Buffer.from(JSON.stringify(note));
const deserialize = (bytes: Buffer) => JSON.parse(bytes.toString()) as Note;

function method(
  name: string,
  requestStream: boolean,
  responseStream: boolean,
): grpc.MethodDefinition<Note, Note> {
  return {
    path: `/sluice.test.Echo/${name}`,
    requestStream,
    responseStream,
    requestSerialize: serialize,
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: deserialize,
  };
}

const echoService = {
  Unary: method('Unary', false, false),
  ServerStream: method('ServerStream', false, true),
  ClientStream: method('ClientStream', true, false),
  Bidi: method('Bidi', true, true),
  Unrouted: method('Unrouted', false, false),
} satisfies grpc.ServiceDefinition;

function metadata(entries: Record<string, string | Buffer>): grpc.Metadata {
  const result = new grpc.Metadata();
  for (const [key, value] of Object.entries(entries)) result.set(key, value);
  return result;
}

function first(md: grpc.Metadata, key: string): string | undefined {
  const [value] = md.get(key);
  return value === undefined ? undefined : value.toString();
}

/** The upstream reports calls its clients cancelled here (`cancelled`). */
const upstreamEvents = new EventEmitter();

/**
 * The upstream: echoes notes, sends back the client's metadata as initial metadata and a trailer of its
 * own; `fail` ends the call with NOT_FOUND before any message (a trailers-only response), `hang` never
 * answers, a server stream asked for `endless` messages sends one and waits.
 */
const echoImplementation: grpc.UntypedServiceImplementation = {
  Unary(call: grpc.ServerUnaryCall<Note, Note>, callback: grpc.sendUnaryData<Note>) {
    const { text } = call.request;
    if (text === 'hang') return;
    if (text === 'fail') {
      callback({
        code: grpc.status.NOT_FOUND,
        details: 'no note called fail',
        metadata: metadata({ 'x-reason': 'missing' }),
      });
      return;
    }
    call.sendMetadata(
      metadata({
        'x-client': first(call.metadata, 'x-client') ?? '',
        'x-gateway': first(call.metadata, 'x-gateway') ?? '',
        'x-blob-bin': call.metadata.get('x-blob-bin')[0] ?? Buffer.alloc(0),
      }),
    );
    callback(null, { text: `echo ${text}` }, metadata({ 'x-trailer': 'unary' }));
  },
  ServerStream(call: grpc.ServerWritableStream<Note, Note>) {
    if (call.request.text === 'endless') {
      call.on('cancelled', () => upstreamEvents.emit('cancelled'));
      call.write({ text: 'part 1' });
      return;
    }
    const count = Number(call.request.text);
    for (let i = 1; i <= count; i++) call.write({ text: `part ${i}` });
    call.end(metadata({ 'x-trailer': `sent ${count}` }));
  },
  ClientStream(call: grpc.ServerReadableStream<Note, Note>, callback: grpc.sendUnaryData<Note>) {
    const texts: string[] = [];
    call.on('data', (note: Note) => texts.push(note.text));
    call.on('end', () => callback(null, { text: texts.join('+') }, metadata({ 'x-trailer': 'gathered' })));
  },
  Bidi(call: grpc.ServerDuplexStream<Note, Note>) {
    call.on('data', (note: Note) => call.write({ text: `re: ${note.text}` }));
    call.on('end', () => call.end(metadata({ 'x-trailer': 'bidi' })));
  },
};

async function startGrpcServer(credentials = grpc.ServerCredentials.createInsecure()): Promise<{
  server: grpc.Server;
  port: number;
}> {
  const server = new grpc.Server();
  server.addService(echoService, echoImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  return { server, port };
}

function unary(client: grpc.Client, text: string, md = new grpc.Metadata(), path = echoService.Unary.path) {
  let initial = new grpc.Metadata();
  return new Promise<{ note: Note; initial: grpc.Metadata; trailing: grpc.Metadata }>((resolve, reject) => {
    const call = client.makeUnaryRequest(path, serialize, deserialize, { text }, md, (error, note) => {
      if (error !== null || note === undefined) reject(error);
      else
        call.once('status', (status: grpc.StatusObject) =>
          resolve({ note, initial, trailing: status.metadata }),
        );
    });
    call.on('metadata', (received: grpc.Metadata) => {
      initial = received;
    });
  });
}

async function unaryError(client: grpc.Client, text: string, md = new grpc.Metadata(), path?: string) {
  const error: unknown = await unary(client, text, md, path).then(
    () => assert.fail('the call should have failed'),
    (failure: unknown) => failure,
  );
  assert.ok(error instanceof Error && 'code' in error, `not a gRPC error: ${String(error)}`);
  return error as grpc.ServiceError;
}

function grpcRoute(id: string, backends: IRBackend[], fields: Partial<IRRoute> = {}): IRRoute {
  return route(id, { match: prefixMatch('/sluice.test.Echo/'), backends, kind: 'grpc', ...fields });
}

/** A GRPCRoute-like entry for one method, chosen by an `x-target` metadata value. */
function targeted(target: string, backends: IRBackend[], fields: Partial<IRRoute> = {}): IRRoute {
  return grpcRoute(`grpc-${target}`, backends, {
    match: prefixMatch('/sluice.test.Echo/Unary', {
      headers: [{ name: 'x-target', type: 'Exact', value: target }],
    }),
    ...fields,
  });
}

function h2c(id: string, ...ports: number[]): IRCluster {
  return { ...cluster(id, ...ports), protocol: 'h2c' };
}

describe('gRPC through the data plane', () => {
  const plane = new DataPlane({ log: quietLog });
  let upstream: grpc.Server;
  let client: grpc.Client;

  before(async () => {
    const started = await startGrpcServer();
    upstream = started.server;
    const port = await freePort();
    const refusedPort = await freePort();
    const invalid: IRBackend = {
      weight: 1,
      target: { kind: 'invalid', status: 500, reason: 'no such Service' },
      filters: [],
    };
    const addGateway = {
      type: 'RequestHeaderModifier' as const,
      modifier: { set: [], add: [['x-gateway', 'sluice'] as [string, string]], remove: [] },
    };
    const report = await plane.apply(
      ir(
        [
          httpPort(port, [
            targeted('invalid', [invalid]),
            targeted('empty', [toCluster('empty')]),
            targeted('refused', [toCluster('refused')]),
            targeted('slow', [toCluster('echo')], { timeouts: { requestMs: 200 } }),
            ...['Unary', 'ServerStream', 'ClientStream', 'Bidi'].map((name) =>
              grpcRoute(`grpc-${name}`, [toCluster('echo')], {
                match: {
                  path: { type: 'Exact', value: `/sluice.test.Echo/${name}` },
                  headers: [],
                  queryParams: [],
                },
                filters: [addGateway],
              }),
            ),
          ]),
        ],
        [h2c('echo', started.port), h2c('empty'), h2c('refused', refusedPort)],
      ),
    );
    assert.deepEqual(report.failed, []);
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client.close();
    await plane.close();
    upstream.forceShutdown();
  });

  test('a unary call keeps its metadata, initial and trailing, both ways', async () => {
    const blob = Buffer.from([0, 1, 2, 250]);
    const reply = await unary(client, 'hi', metadata({ 'x-client': 'grpc-js', 'x-blob-bin': blob }));
    assert.equal(reply.note.text, 'echo hi');
    assert.equal(first(reply.initial, 'x-client'), 'grpc-js');
    // The route's RequestHeaderModifier applies to gRPC metadata too.
    assert.equal(first(reply.initial, 'x-gateway'), 'sluice');
    assert.deepEqual(reply.initial.get('x-blob-bin')[0], blob);
    assert.equal(first(reply.trailing, 'x-trailer'), 'unary');
  });

  test('a server stream arrives message by message, then its trailers', async () => {
    const call = client.makeServerStreamRequest(echoService.ServerStream.path, serialize, deserialize, {
      text: '3',
    });
    const texts: string[] = [];
    call.on('data', (note: Note) => texts.push(note.text));
    const [status] = (await once(call, 'status')) as [grpc.StatusObject];
    assert.deepEqual(texts, ['part 1', 'part 2', 'part 3']);
    assert.equal(status.code, grpc.status.OK);
    assert.equal(first(status.metadata, 'x-trailer'), 'sent 3');
  });

  test('a client stream is gathered upstream', async () => {
    const reply = await new Promise<{ note: Note; trailing: grpc.Metadata }>((resolve, reject) => {
      const call = client.makeClientStreamRequest(
        echoService.ClientStream.path,
        serialize,
        deserialize,
        (error, note) => {
          if (error !== null || note === undefined) reject(error);
          // grpc-js reports the status right after this callback.
          else
            call.once('status', (status: grpc.StatusObject) => resolve({ note, trailing: status.metadata }));
        },
      );
      for (const text of ['a', 'b', 'c']) call.write({ text });
      call.end();
    });
    assert.equal(reply.note.text, 'a+b+c');
    assert.equal(first(reply.trailing, 'x-trailer'), 'gathered');
  });

  test('a bidirectional stream answers each message before the next is sent', async () => {
    const call = client.makeBidiStreamRequest(echoService.Bidi.path, serialize, deserialize);
    const replies: Note[] = [];
    const next = () =>
      new Promise<Note>((resolve) => {
        call.once('data', resolve);
      });
    // A proxy that buffered either direction would never see the second message.
    for (const text of ['one', 'two', 'three']) {
      const reply = next();
      call.write({ text });
      replies.push(await reply);
    }
    const status = once(call, 'status') as Promise<[grpc.StatusObject]>;
    call.end();
    const [final] = await status;
    assert.deepEqual(
      replies.map((note) => note.text),
      ['re: one', 're: two', 're: three'],
    );
    assert.equal(first(final.metadata, 'x-trailer'), 'bidi');
  });

  test('a client that cancels a stream cancels it upstream too', async () => {
    const call = client.makeServerStreamRequest(echoService.ServerStream.path, serialize, deserialize, {
      text: 'endless',
    });
    call.on('error', () => {});
    const [note] = (await once(call, 'data')) as [Note];
    assert.equal(note.text, 'part 1');
    const cancelled = once(upstreamEvents, 'cancelled');
    call.cancel();
    await cancelled;
  });

  test('an upstream error status and its trailers reach the client (trailers-only response)', async () => {
    const error = await unaryError(client, 'fail');
    assert.equal(error.code, grpc.status.NOT_FOUND);
    assert.equal(error.details, 'no note called fail');
    assert.equal(first(error.metadata, 'x-reason'), 'missing');
  });

  test('a method no route matches is UNIMPLEMENTED', async () => {
    const error = await unaryError(client, 'x', new grpc.Metadata(), echoService.Unrouted.path);
    assert.equal(error.code, grpc.status.UNIMPLEMENTED);
    assert.match(error.details, /no route matches POST/);
  });

  test('an invalid backend is UNAVAILABLE', async () => {
    const error = await unaryError(client, 'x', metadata({ 'x-target': 'invalid' }));
    assert.equal(error.code, grpc.status.UNAVAILABLE);
    assert.match(error.details, /no such Service/);
  });

  test('a backend without endpoints is UNAVAILABLE', async () => {
    const error = await unaryError(client, 'x', metadata({ 'x-target': 'empty' }));
    assert.equal(error.code, grpc.status.UNAVAILABLE);
    assert.match(error.details, /no ready endpoints/);
  });

  test('an endpoint that refuses connections is UNAVAILABLE', async () => {
    const error = await unaryError(client, 'x', metadata({ 'x-target': 'refused' }));
    assert.equal(error.code, grpc.status.UNAVAILABLE);
    assert.match(error.details, /could not reach the upstream/);
  });

  test('a route timeout is DEADLINE_EXCEEDED', async () => {
    const error = await unaryError(client, 'hang', metadata({ 'x-target': 'slow' }));
    assert.equal(error.code, grpc.status.DEADLINE_EXCEEDED);
    assert.match(error.details, /did not complete within 200 ms/);
  });
});

describe('gRPC over TLS', () => {
  const plane = new DataPlane({ log: quietLog });
  let dir: string;
  let certificate: IRCertificate;
  let upstream: grpc.Server;
  let secureUpstream: grpc.Server;
  let client: grpc.Client;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-grpc-'));
    let backendCertificate: IRCertificate;
    [certificate, backendCertificate] = await Promise.all([
      makeCertificate(dir, 'grpc', ['grpc.example']),
      makeCertificate(dir, 'backend', ['backend.example']),
    ]);
    const started = await startGrpcServer();
    upstream = started.server;
    const secure = await startGrpcServer(
      grpc.ServerCredentials.createSsl(null, [
        {
          private_key: Buffer.from(backendCertificate.keyPem),
          cert_chain: Buffer.from(backendCertificate.certPem),
        },
      ]),
    );
    secureUpstream = secure.server;
    const port = await freePort();
    const report = await plane.apply(
      ir(
        [
          {
            address: '127.0.0.1',
            port,
            protocol: 'HTTPS',
            gateway: 'default/gw',
            listeners: [
              {
                id: 'default/gw/grpc',
                hostname: 'grpc.example',
                tls: { certificates: [certificate] },
                routes: [targeted('tls', [toCluster('tls-echo')]), grpcRoute('grpc', [toCluster('echo')])],
              },
            ],
          },
        ],
        [
          h2c('echo', started.port),
          {
            ...h2c('tls-echo', secure.port),
            tls: { serverName: 'backend.example', ca: { pems: [backendCertificate.certPem] } },
          },
        ],
      ),
    );
    assert.deepEqual(report.failed, []);
    client = new grpc.Client(
      `127.0.0.1:${port}`,
      grpc.credentials.createSsl(Buffer.from(certificate.certPem)),
      {
        'grpc.ssl_target_name_override': 'grpc.example',
        'grpc.default_authority': 'grpc.example',
      },
    );
  });

  after(async () => {
    client.close();
    await plane.close();
    upstream.forceShutdown();
    secureUpstream.forceShutdown();
    await rm(dir, { recursive: true, force: true });
  });

  test('a call over TLS negotiates h2 by ALPN and reaches the h2c upstream', async () => {
    const reply = await unary(client, 'secure');
    assert.equal(reply.note.text, 'echo secure');
    assert.equal(first(reply.trailing, 'x-trailer'), 'unary');
  });

  test('a call reaches a TLS upstream over h2 negotiated by ALPN', async () => {
    const reply = await unary(client, 'to tls', metadata({ 'x-target': 'tls', 'x-client': 'secure' }));
    assert.equal(reply.note.text, 'echo to tls');
    assert.equal(first(reply.initial, 'x-client'), 'secure');
    assert.equal(first(reply.trailing, 'x-trailer'), 'unary');
  });
});
