// Types of the gateway.networking.k8s.io kinds Sluice accepts (v1.6 standard channel, plus the experimental
// fields listed in docs/validation.md), after defaults.

import type { KubeObject } from './object.ts';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
export const GATEWAY_API_VERSION = `${GATEWAY_GROUP}/v1`;

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

// --- shared references ---------------------------------------------------------------------------

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

export interface SecretObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface LocalParametersReference {
  group: string;
  kind: string;
  name: string;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

// --- GatewayClass --------------------------------------------------------------------------------

export interface GatewayClassSpec {
  controllerName: string;
  parametersRef?: LocalParametersReference & { namespace?: string };
  description?: string;
}

export interface GatewayClassStatus {
  conditions?: Condition[];
  supportedFeatures?: { name: string }[];
}

export interface GatewayClass extends KubeObject {
  kind: 'GatewayClass';
  spec: GatewayClassSpec;
  status?: GatewayClassStatus;
}

// --- Gateway -------------------------------------------------------------------------------------

export interface RouteGroupKind {
  group?: string;
  kind: string;
}

export interface AllowedRoutes {
  namespaces?: { from?: 'All' | 'Same' | 'Selector'; selector?: LabelSelector };
  kinds?: RouteGroupKind[];
}

export interface GatewayTLSConfig {
  mode?: 'Terminate' | 'Passthrough';
  certificateRefs?: SecretObjectReference[];
  options?: Record<string, string>;
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  tls?: GatewayTLSConfig;
  allowedRoutes?: AllowedRoutes;
}

export interface GatewaySpecAddress {
  type?: string;
  value?: string;
}

export interface GatewaySpec {
  gatewayClassName: string;
  listeners: Listener[];
  addresses?: GatewaySpecAddress[];
  infrastructure?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    parametersRef?: LocalParametersReference;
  };
  allowedListeners?: AllowedListeners;
  tls?: GatewayTLS;
}

/** Which namespaces may attach ListenerSets to this Gateway (default `from: None` when the block is set). */
export interface AllowedListeners {
  namespaces?: { from?: 'All' | 'Selector' | 'Same' | 'None'; selector?: LabelSelector };
}

export interface ObjectReference {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface FrontendTLSValidation {
  caCertificateRefs: ObjectReference[];
  mode?: 'AllowValidOnly' | 'AllowInsecureFallback';
}

export interface TLSConfig {
  validation?: FrontendTLSValidation;
}

/** Gateway-wide TLS (`spec.tls`): client certificate validation and the certificate presented to backends. */
export interface GatewayTLS {
  backend?: { clientCertificateRef?: SecretObjectReference };
  frontend?: { default: TLSConfig; perPort?: { port: number; tls: TLSConfig }[] };
}

export interface ListenerStatus {
  name: string;
  supportedKinds: RouteGroupKind[];
  attachedRoutes: number;
  conditions: Condition[];
}

export interface GatewayStatus {
  addresses?: { type: string; value: string }[];
  conditions?: Condition[];
  listeners?: ListenerStatus[];
}

export interface Gateway extends KubeObject {
  kind: 'Gateway';
  spec: GatewaySpec;
  status?: GatewayStatus;
}

// --- HTTPRoute -----------------------------------------------------------------------------------

export type PathMatchType = 'Exact' | 'PathPrefix' | 'RegularExpression';

export interface HTTPPathMatch {
  type?: PathMatchType;
  value?: string;
}

export interface HTTPHeaderMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface HTTPQueryParamMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HTTPHeaderMatch[];
  queryParams?: HTTPQueryParamMatch[];
  method?: string;
}

export interface HTTPHeader {
  name: string;
  value: string;
}

export interface HTTPHeaderFilter {
  set?: HTTPHeader[];
  add?: HTTPHeader[];
  remove?: string[];
}

export interface HTTPPathModifier {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HTTPRequestRedirectFilter {
  scheme?: string;
  hostname?: string;
  path?: HTTPPathModifier;
  port?: number;
  statusCode?: number;
}

export interface HTTPURLRewriteFilter {
  hostname?: string;
  path?: HTTPPathModifier;
}

export interface HTTPRequestMirrorFilter {
  backendRef: BackendObjectReference;
  percent?: number;
  fraction?: { numerator: number; denominator?: number };
}

export interface HTTPCORSFilter {
  allowOrigins?: string[];
  allowCredentials?: boolean;
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
}

export interface LocalObjectReference {
  group: string;
  kind: string;
  name: string;
}

export interface HTTPRouteFilter {
  type: string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestMirror?: HTTPRequestMirrorFilter;
  requestRedirect?: HTTPRequestRedirectFilter;
  urlRewrite?: HTTPURLRewriteFilter;
  cors?: HTTPCORSFilter;
  extensionRef?: LocalObjectReference;
}

export interface HTTPBackendRef extends BackendObjectReference {
  weight?: number;
  filters?: HTTPRouteFilter[];
}

export interface HTTPRouteTimeouts {
  request?: string;
  backendRequest?: string;
}

/** Experimental: retry a backend request that answered with one of `codes`. */
export interface HTTPRouteRetry {
  /** HTTP status codes 400–599 that are retried. */
  codes?: number[];
  /** The most times one backend request is retried (at least 1); absent: Sluice's default. */
  attempts?: number;
  /** GEP-2257 duration: the least time to wait before a retry. */
  backoff?: string;
}

/** Experimental: send a client's requests to the same backend, tracked by a cookie or a header. */
export interface SessionPersistence {
  sessionName?: string;
  absoluteTimeout?: string;
  /** Defaults to `Cookie`. */
  type?: 'Cookie' | 'Header';
  /** Only with type Cookie; `lifetimeType` defaults to `Session` (Permanent needs `absoluteTimeout`). */
  cookieConfig?: { lifetimeType?: 'Permanent' | 'Session' };
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
  timeouts?: HTTPRouteTimeouts;
  retry?: HTTPRouteRetry;
  sessionPersistence?: SessionPersistence;
}

export interface HTTPRouteSpec {
  parentRefs?: ParentReference[];
  hostnames?: string[];
  rules?: HTTPRouteRule[];
}

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

export interface RouteStatus {
  parents: RouteParentStatus[];
}

export interface HTTPRoute extends KubeObject {
  kind: 'HTTPRoute';
  spec: HTTPRouteSpec;
  status?: RouteStatus;
}

// --- GRPCRoute -----------------------------------------------------------------------------------

/** Matches `/service/method`; `type` defaults to `Exact`; at least one of `service` and `method` is set. */
export interface GRPCMethodMatch {
  type?: 'Exact' | 'RegularExpression';
  /** Fully qualified, e.g. `helloworld.Greeter`; absent: any service. */
  service?: string;
  /** Absent: any method. */
  method?: string;
}

export interface GRPCHeaderMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface GRPCRouteMatch {
  method?: GRPCMethodMatch;
  headers?: GRPCHeaderMatch[];
}

/**
 * Types `RequestHeaderModifier`, `ResponseHeaderModifier`, `RequestMirror`, `ExtensionRef`; the settings have
 * the HTTPRoute shapes, so a GRPCRouteFilter is also an HTTPRouteFilter.
 */
export interface GRPCRouteFilter {
  type: string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestMirror?: HTTPRequestMirrorFilter;
  extensionRef?: LocalObjectReference;
}

export interface GRPCBackendRef extends BackendObjectReference {
  weight?: number;
  filters?: GRPCRouteFilter[];
}

export interface GRPCRouteRule {
  name?: string;
  /** Absent or empty: every request matches. */
  matches?: GRPCRouteMatch[];
  filters?: GRPCRouteFilter[];
  backendRefs?: GRPCBackendRef[];
  sessionPersistence?: SessionPersistence;
}

export interface GRPCRouteSpec {
  parentRefs?: ParentReference[];
  hostnames?: string[];
  rules?: GRPCRouteRule[];
}

export interface GRPCRoute extends KubeObject {
  kind: 'GRPCRoute';
  spec: GRPCRouteSpec;
  status?: RouteStatus;
}

// --- ListenerSet ---------------------------------------------------------------------------------

/** The Gateway a ListenerSet adds its listeners to (`group` and `kind` default to a Gateway). */
export interface ParentGatewayReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface ListenerSetSpec {
  parentRef: ParentGatewayReference;
  /** Same shape and rules as Gateway listeners (`ListenerEntry` in the API). */
  listeners: Listener[];
}

export interface ListenerSetStatus {
  conditions?: Condition[];
  listeners?: ListenerStatus[];
}

export interface ListenerSet extends KubeObject {
  kind: 'ListenerSet';
  spec: ListenerSetSpec;
  status?: ListenerSetStatus;
}

// --- BackendTLSPolicy ----------------------------------------------------------------------------

/** A target in the policy's namespace; `sectionName` is a Service port name. */
export interface LocalPolicyTargetReferenceWithSectionName {
  group: string;
  kind: string;
  name: string;
  sectionName?: string;
}

export interface SubjectAltName {
  type: 'Hostname' | 'URI';
  /** Set exactly when type is Hostname; may start with `*.`. */
  hostname?: string;
  /** Set exactly when type is URI. */
  uri?: string;
}

/** Exactly one of `caCertificateRefs` (non-empty) and `wellKnownCACertificates` is set. */
export interface BackendTLSPolicyValidation {
  caCertificateRefs?: LocalObjectReference[];
  /** `System`, or an implementation-specific `domain/name`. */
  wellKnownCACertificates?: string;
  /** SNI, and the name the certificate must match unless `subjectAltNames` is set. */
  hostname: string;
  subjectAltNames?: SubjectAltName[];
}

export interface BackendTLSPolicySpec {
  targetRefs: LocalPolicyTargetReferenceWithSectionName[];
  validation: BackendTLSPolicyValidation;
  options?: Record<string, string>;
}

export interface PolicyAncestorStatus {
  ancestorRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

export interface PolicyStatus {
  ancestors: PolicyAncestorStatus[];
}

export interface BackendTLSPolicy extends KubeObject {
  kind: 'BackendTLSPolicy';
  spec: BackendTLSPolicySpec;
  status?: PolicyStatus;
}

// --- ReferenceGrant ------------------------------------------------------------------------------

export interface ReferenceGrantFrom {
  group: string;
  kind: string;
  namespace: string;
}

export interface ReferenceGrantTo {
  group: string;
  kind: string;
  name?: string;
}

export interface ReferenceGrant extends KubeObject {
  kind: 'ReferenceGrant';
  spec: { from: ReferenceGrantFrom[]; to: ReferenceGrantTo[] };
}
