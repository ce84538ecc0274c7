// Types of the Inference Extension kinds Sluice accepts, after defaults: InferencePool (GIE v1.6) and the
// InferenceObjective and InferenceModelRewrite kinds that moved from GIE to llm-d-router (v0.10).

import type { Condition } from './gateway-api.ts';
import type { KubeObject } from './object.ts';

export const INFERENCE_GROUP = 'inference.networking.k8s.io';
export const INFERENCE_POOL_API_VERSION = `${INFERENCE_GROUP}/v1`;
/** llm-d-router's group: InferenceObjective and InferenceModelRewrite live here since they left GIE (v1.6). */
export const LLMD_GROUP = 'llm-d.ai';
/** GIE's experimental group: InferenceObjective and InferenceModelRewrite up to GIE v1.5. */
export const INFERENCE_X_GROUP = 'inference.networking.x-k8s.io';

// --- InferencePool -------------------------------------------------------------------------------

export interface InferencePoolPort {
  /** 1–65535; each target port of each selected Pod is a separate endpoint `podIP:number`. */
  number: number;
}

export type InferencePoolAppProtocol = 'http' | 'kubernetes.io/h2c';

export type EndpointPickerFailureMode = 'FailOpen' | 'FailClose';

export interface EndpointPickerRef {
  /** `''` (the core group) unless written. */
  group: string;
  /** `Service` unless written. */
  kind: string;
  name: string;
  /** Always set when `kind` is `Service` (in any group): the Service port, not its target port. */
  port?: InferencePoolPort;
  /** `FailClose` unless written. */
  failureMode: EndpointPickerFailureMode;
}

export interface InferencePoolSpec {
  /** 1–64 labels that a Pod in the pool's namespace must all carry. */
  selector: { matchLabels: Record<string, string> };
  /** 1–8 ports, numbers unique. */
  targetPorts: InferencePoolPort[];
  /** `http` (HTTP/1.1) unless written. */
  appProtocol: InferencePoolAppProtocol;
  /** Optional since GIE v1.5: without it, the implementation picks endpoints on its own. */
  endpointPickerRef?: EndpointPickerRef;
}

export interface InferencePoolParentReference {
  /** `gateway.networking.k8s.io` unless written. */
  group: string;
  /** `Gateway` unless written. */
  kind: string;
  name: string;
  namespace?: string;
}

export interface InferencePoolParentStatus {
  parentRef: InferencePoolParentReference;
  controllerName?: string;
  /** At most 8, unique by type: `Accepted`, `ResolvedRefs`. */
  conditions: Condition[];
}

export interface InferencePoolStatus {
  /** At most 32; empty means not attached to any parent. */
  parents: InferencePoolParentStatus[];
}

export interface InferencePool extends KubeObject {
  kind: 'InferencePool';
  spec: InferencePoolSpec;
  status?: InferencePoolStatus;
}

// --- InferenceObjective, InferenceModelRewrite ---------------------------------------------------

/** An InferencePool in the referrer's namespace. */
export interface PoolObjectReference {
  /** `inference.networking.k8s.io` unless written. */
  group: string;
  /** `InferencePool` unless written. */
  kind: string;
  name: string;
}

/** Conditions (at most 8, unique by type): `Accepted`. */
export interface InferenceExtensionStatus {
  conditions: Condition[];
}

export interface InferenceObjectiveSpec {
  /** A 32-bit integer, higher is served first, negative allowed; unset is treated as 0 (no default). */
  priority?: number;
  poolRef: PoolObjectReference;
}

export interface InferenceObjective extends KubeObject {
  kind: 'InferenceObjective';
  /** The CRD does not require a spec; without one the objective applies to no pool (admission warns). */
  spec?: InferenceObjectiveSpec;
  status?: InferenceExtensionStatus;
}

export interface ModelMatch {
  /** `Exact`, the only type, unless written. */
  type: 'Exact';
  /** Non-empty; compared with the request body's `model`. */
  value: string;
}

export interface ModelRewriteMatch {
  model: ModelMatch;
}

export interface TargetModel {
  /** The model name sent upstream; the CRD allows `""` (admission warns). */
  modelRewrite: string;
  /** 1–1000000; set on all targets of a rule or on none (admission warns otherwise). */
  weight?: number;
}

export interface InferenceModelRewriteRule {
  /** Any one matches (OR); absent or empty: the rule matches every request. */
  matches?: ModelRewriteMatch[];
  /** At least one when present; a rule without targets has nothing to rewrite to (admission warns). */
  targets?: TargetModel[];
}

export interface InferenceModelRewriteSpec {
  poolRef: PoolObjectReference;
  /** In order: the first rule that matches a request wins within one object. */
  rules: InferenceModelRewriteRule[];
}

export interface InferenceModelRewrite extends KubeObject {
  kind: 'InferenceModelRewrite';
  /** The CRD does not require a spec; without one the rewrite applies to no pool (admission warns). */
  spec?: InferenceModelRewriteSpec;
  status?: InferenceExtensionStatus;
}
