// Claims a loopback address block for one conformance file, so that two runs of the suite on one
// machine (two people, or `npm test` next to a single-file run) never share Gateway, admin or pod
// addresses.
//
// Block B means: Gateway address pool 127.40.B.0/24, admin API 127.41.B.1:9901, echo pods from
// 127.41.B.10. The claim is a socket held on 127.41.B.2:9901 for the life of the suite.

import { createServer, type Server } from 'node:net';

const lockPort = 9901;
const blocksPerRound = 50;

export interface AddressBlock {
  block: number;
  gatewayPool: string;
  adminAddress: string;
  podAddress(index: number): string;
  release(): Promise<void>;
}

/** The file's own block if free, else the same block in the next rounds (B+50, B+100, …). */
export async function claimAddressBlock(preferred: number): Promise<AddressBlock> {
  for (let block = preferred; block <= 254; block += blocksPerRound) {
    const lock = await tryListen(`127.41.${block}.2`);
    if (!lock) continue;
    return {
      block,
      gatewayPool: `127.40.${block}.0/24`,
      adminAddress: `127.41.${block}.1:9901`,
      podAddress: (index) => `127.41.${block}.${10 + index}`,
      release: () => new Promise((resolve) => lock.close(() => resolve())),
    };
  }
  throw new Error(`no free conformance address block for ${preferred} (another run holds them all)`);
}

function tryListen(host: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', () => resolve(undefined));
    server.listen(lockPort, host, () => resolve(server));
  });
}
