// A port that is free on every given loopback address, so a pool's Pods can share one target port.

import { createServer } from 'node:net';

function bind(address: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, address, () => {
      const bound = server.address();
      server.close(() => resolve(typeof bound === 'object' && bound !== null ? bound.port : undefined));
    });
  });
}

/**
 * A port the kernel offers on the first address that every other address can bind too. Someone may take
 * it before it is used; the benchmark's addresses are its own, which makes that unlikely.
 */
export async function freePort(addresses: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await bind(addresses[0], 0);
    if (port === undefined) continue;
    const others = await Promise.all(addresses.slice(1).map((address) => bind(address, port)));
    if (others.every((bound) => bound === port)) return port;
  }
  throw new Error(`no port is free on all of ${addresses.join(', ')}`);
}
