// Claims a loopback address block for one conformance file, so that two runs of the suite on one
// machine (two people, or `npm test` next to a single-file run) never share Gateway, admin or pod
// addresses.
//
// Block B (1–254) in round R means: Gateway address pool 127.G.B.0/24, admin API 127.H.B.1:9901, echo
// pods from 127.H.B.10, where G = 40 + 2R and H = G + 1. A file prefers round 0 (127.40/127.41) and moves
// to the next round when another run holds its block. The claim is a socket held on 127.H.B.2:9901 for
// the life of the suite.

import { createServer, type Server } from 'node:net';

const lockPort = 9901;
/** Blocks a file may prefer (1 to this), the same in every round. */
export const blocksPerRound = 254;
/** Concurrent runs of one file the machine can hold. */
const rounds = 8;

export interface AddressBlock {
  block: number;
  gatewayPool: string;
  adminAddress: string;
  podAddress(index: number): string;
  release(): Promise<void>;
}

/** The file's own block in the first round where it is free. */
export async function claimAddressBlock(block: number): Promise<AddressBlock> {
  for (let round = 0; round < rounds; round++) {
    const gateways = `127.${40 + 2 * round}.${block}`;
    const others = `127.${41 + 2 * round}.${block}`;
    const lock = await tryListen(`${others}.2`);
    if (!lock) continue;
    return {
      block,
      gatewayPool: `${gateways}.0/24`,
      adminAddress: `${others}.1:9901`,
      podAddress: (index) => `${others}.${10 + index}`,
      release: () => new Promise((resolve) => lock.close(() => resolve())),
    };
  }
  throw new Error(
    `no free conformance address block ${block} in ${rounds} rounds (other runs hold them all)`,
  );
}

function tryListen(host: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', () => resolve(undefined));
    server.listen(lockPort, host, () => resolve(server));
  });
}
