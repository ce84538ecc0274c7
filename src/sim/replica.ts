// One simulated model server: engine, metrics, LoRA registry and HTTP server, bound to its address.

import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from './clock.ts';
import type { ReplicaContext } from './context.ts';
import { Engine } from './engine.ts';
import { parseFakeMetrics } from './fake-metrics.ts';
import { LoraRegistry } from './lora.ts';
import { ReplicaMetrics } from './metrics.ts';
import { engineConfig, type ReplicaOptions, servedModel } from './options.ts';
import { SeededRandom } from './random.ts';
import type { SimRequest } from './request.ts';
import { createReplicaServer } from './server.ts';

export interface Replica {
  readonly options: ReplicaOptions;
  readonly context: ReplicaContext;
  readonly address: string;
  readonly port: number;
  /** `http://address:port`. */
  readonly url: string;
  close(): Promise<void>;
}

function distinctLoras(requests: readonly SimRequest[]): string[] {
  return [
    ...new Set(requests.flatMap((request) => (request.spec.lora === undefined ? [] : [request.spec.lora]))),
  ];
}

export async function startReplica(options: ReplicaOptions, clock: Clock): Promise<Replica> {
  const config = engineConfig(options);
  const model = servedModel(options);
  // The metrics observe the engine and read its queues back at scrape time, so they are built first
  // and reach the engine through this binding once it exists.
  let engine: Engine | undefined;
  const live = () => engine as Engine;
  const metrics = new ReplicaMetrics(
    {
      engine: options.engine,
      model,
      blockSize: config.blockSize,
      numGpuBlocks: config.numGpuBlocks,
      maxModelLen: config.maxModelLen,
      maxLoras: config.maxLoras,
      enablePrefixCaching: config.enablePrefixCaching,
      enableLora: options.enableLora,
    },
    {
      running: () => live().scheduler.running.length,
      waiting: () => live().scheduler.waiting.length,
      kvUsage: () => live().kvUsage,
      runningLoras: () => distinctLoras(live().scheduler.running),
      waitingLoras: () => distinctLoras(live().scheduler.waiting),
      nowMs: () => clock.now(),
    },
  );
  engine = new Engine(config, clock, metrics);
  if (options.fakeMetrics !== undefined) metrics.setFakeMetrics(parseFakeMetrics(options.fakeMetrics));
  const loras = new LoraRegistry();
  for (const module of options.loraModules) loras.load(module.name, module.path);

  const context: ReplicaContext = {
    options,
    model,
    engine,
    loras,
    random: new SeededRandom(options.seed),
    clock,
    metrics,
    startedAt: Math.floor(Date.now() / 1000),
  };
  const server = createReplicaServer(context);
  const sockets = trackSockets(server);
  await listen(server, options.host, options.port);
  const bound = server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  return {
    options,
    context,
    address: bound.address,
    port: bound.port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        engine.stop();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}
