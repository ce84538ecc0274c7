// Conformance HTTPRouteBackendProtocolWebSocket (upstream httproute-backend-protocol-websocket.go): a
// WebSocket opened through the gateway to a Service port whose appProtocol is kubernetes.io/ws echoes a
// text and a binary message.

import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { awaitConvergence } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayAndHTTPRoutesMustBeAccepted } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 79, manifests: ['httproute-backend-protocol-websocket.yaml'] });
before(() => suite.start());
after(() => suite.stop());

/** upstream's RequestTimeout, for each step of the exchange. */
const stepTimeoutMs = 10_000;

/** One WebSocket exchange through the gateway: `undefined` when both messages come back intact. */
async function webSocketFailure(gwAddr: string, origin: string): Promise<string | undefined> {
  const socket = new WebSocket(`ws://${gwAddr}/ws`, { origin, handshakeTimeout: stepTimeoutMs });
  const step = async <T>(what: string, promise: Promise<T>): Promise<T> => {
    const timeout = AbortSignal.timeout(stepTimeoutMs);
    const aborted = once(timeout, 'abort').then(() => {
      throw new Error(`no ${what} within ${stepTimeoutMs} ms`);
    });
    return Promise.race([promise, aborted]);
  };
  try {
    await step('connection', once(socket, 'open'));
    const text = 'Websocket Support!';
    socket.send(text);
    const [textReply] = await step('text reply', once(socket, 'message'));
    if (String(textReply) !== text) return `unexpected reply - want: ${text} got: ${String(textReply)}`;
    const binary = Buffer.from([1, 2, 3, 4, 5, 6, 7]);
    socket.send(binary);
    const [binaryReply, isBinary] = await step('binary reply', once(socket, 'message'));
    if (!isBinary || !binary.equals(binaryReply as Buffer)) {
      return `unexpected reply - want: ${binary.toString('hex')} got: ${(binaryReply as Buffer).toString('hex')}`;
    }
    return undefined;
  } catch (error) {
    return `failed to dial or exchange: ${String(error)}`;
  } finally {
    socket.terminate();
  }
}

test('HTTPRouteBackendProtocolWebSocket', async (t) => {
  const route = { namespace: ns, name: 'backend-protocol-ws' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);

  const name = 'websocket connection should reach backend';
  await t.test(name, () =>
    awaitConvergence(
      `WebSocket ws://${gwAddr}/ws`,
      () => webSocketFailure(gwAddr, `ws://gateway/HTTPRouteBackendProtocolWebSocket/${name}`),
      () => suite.diagnostics(),
    ),
  );
});
