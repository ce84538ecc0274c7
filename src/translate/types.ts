// The translator's contract: a snapshot and options in, IR and status out. Pure: no clock, no I/O.

import type { IR } from '../ir/types.ts';
import type { KubeObject } from '../resources/object.ts';

export const CONTROLLER_NAME = 'sluice.dev/gateway-controller';

export interface TranslateOptions {
  /** GatewayClasses whose `controllerName` equals this are Sluice's. */
  controllerName: string;
  /** CIDR that Gateways without `spec.addresses` draw addresses from, in namespace/name order. */
  addressPool?: string;
  /** Address for Gateways without `spec.addresses` when no pool is given. */
  defaultAddress: string;
  /** Sockets the data plane could not bind last time: their listeners are reported `PortUnavailable`. */
  unavailable?: UnavailableSocket[];
}

export interface UnavailableSocket {
  address: string;
  port: number;
  message: string;
  /** The address itself cannot be bound (not on this machine): the Gateway reports `AddressNotUsable`. */
  addressUnusable?: boolean;
}

/** A status condition without `lastTransitionTime`; the status writer stamps it when it changes. */
export interface StatusCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration: number;
}

export interface ObjectStatus {
  /** The object the status belongs to. */
  object: KubeObject;
  status: Record<string, unknown>;
}

export interface TranslateResult {
  ir: IR;
  /** Status per object this controller owns, keyed by `objectKey`. */
  status: Map<string, ObjectStatus>;
}
