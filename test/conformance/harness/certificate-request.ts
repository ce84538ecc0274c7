// Does a TLS server ask clients for a certificate? Upstream's client learns it from Go's
// `GetClientCertificate` hook; Node has no such hook, so this looks for the server's CertificateRequest
// message itself, in a TLS 1.2 handshake where that message travels in the clear.

import { connect as connectTcp } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as connectTls } from 'node:tls';

const handshakeRecord = 22;
const certificateRequest = 13;
const serverHelloDone = 14;
const probeTimeoutMs = 10_000;

/**
 * Resolves true if the server's first flight holds a CertificateRequest, false if it ends
 * (ServerHelloDone) without one; rejects when the handshake fails before either.
 */
export function serverRequestsClientCertificate(
  address: string,
  port: number,
  serverName: string,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const tcp = connectTcp(port, address);
    const tap = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        tcp.write(chunk, callback);
      },
      final(callback) {
        tcp.end();
        callback();
      },
    });
    const flight = new ServerFlight();
    const tls = connectTls({
      socket: tap,
      servername: serverName,
      maxVersion: 'TLSv1.2',
      rejectUnauthorized: false,
    });
    const finish = (outcome: boolean | Error) => {
      clearTimeout(timer);
      tls.destroy();
      tcp.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish(new Error(`no TLS server flight within ${probeTimeoutMs} ms`)),
      probeTimeoutMs,
    );
    tcp.on('data', (chunk: Buffer) => {
      const verdict = flight.add(chunk);
      if (verdict !== undefined) finish(verdict);
      else tap.push(chunk);
    });
    tcp.on('end', () => tap.push(null));
    tcp.on('error', (error) => finish(error));
    // The handshake is cut short on purpose once the flight is read; only earlier errors count.
    tls.on('error', (error) => finish(new Error(`TLS 1.2 handshake failed: ${error.message}`)));
  });
}

/** Reassembles handshake messages from the server's records until the flight tells. */
class ServerFlight {
  #records = Buffer.alloc(0);
  #messages = Buffer.alloc(0);

  /** true or false once CertificateRequest or ServerHelloDone is seen; undefined while unknown. */
  add(chunk: Buffer): boolean | undefined {
    this.#records = Buffer.concat([this.#records, chunk]);
    while (this.#records.length >= 5) {
      const length = this.#records.readUInt16BE(3);
      if (this.#records.length < 5 + length) break;
      if (this.#records[0] === handshakeRecord) {
        this.#messages = Buffer.concat([this.#messages, this.#records.subarray(5, 5 + length)]);
      }
      this.#records = this.#records.subarray(5 + length);
    }
    while (this.#messages.length >= 4) {
      const type = this.#messages[0];
      const length = this.#messages.readUIntBE(1, 3);
      if (this.#messages.length < 4 + length) break;
      if (type === certificateRequest) return true;
      if (type === serverHelloDone) return false;
      this.#messages = this.#messages.subarray(4 + length);
    }
    return undefined;
  }
}
