// Answers the gateway gives itself (no route, invalid backend, no endpoints, …), prepared once per IR:
// the registry error keeps its code so that each protocol can render it (JSON body, gRPC status).

import type { SluiceError } from '../errors.ts';

export interface LocalReply {
  error: SluiceError;
  /** HTTP status to answer with; the registry's unless the IR asked for another. */
  status: number;
  /** The registry's JSON error body. */
  body: string;
}

export function localReply(error: SluiceError, status = error.status): LocalReply {
  return { error, status, body: error.toBody() };
}
