// Tries: a try sends a request once, to one endpoint. Forwarding policies wrap tries the way undici
// interceptors wrap a dispatch (session stamping), or drive several of them (retry).

import type { Dispatcher } from 'undici';
import type { UpstreamEndpoint } from './clusters.ts';

/** Where the forwarder sends a request: an endpoint, or a policy standing in for one. */
export interface ForwardTarget {
  /** Names the upstream in error messages. */
  origin: string;
  dispatcher: Pick<Dispatcher, 'dispatch'>;
}

/** Sends one try of a request to `endpoint`; what happens to it goes to `handler`. */
export type SendTry = (
  endpoint: UpstreamEndpoint,
  options: Dispatcher.DispatchOptions,
  handler: Dispatcher.DispatchHandler,
) => void;

export type TryInterceptor = (next: SendTry) => SendTry;

export const sendTry: SendTry = (endpoint, options, handler) => {
  endpoint.dispatcher.dispatch(options, handler);
};

/** A forward target that sends the one try `send` makes to `endpoint`. */
export function singleTry(endpoint: UpstreamEndpoint, send: SendTry): ForwardTarget {
  return {
    origin: endpoint.origin,
    dispatcher: {
      dispatch(options, handler) {
        send(endpoint, options, handler);
        return true;
      },
    },
  };
}
