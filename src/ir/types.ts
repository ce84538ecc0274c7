// The intermediate representation: plain data the data plane serves from. It knows nothing of
// Kubernetes objects; the translator is its only producer.

/** Everything the data plane needs, produced in one piece by the translator. */
export interface IR {
  /** One entry per socket to bind: an address and port with the listeners that share it. */
  ports: IRPort[];
  /** Upstream clusters by id (`service/<ns>/<name>/<port>`), referenced from route backends. */
  clusters: Record<string, IRCluster>;
  /** InferencePools by id (`inferencepool/<ns>/<name>`), referenced from route backends. */
  pools?: Record<string, IRInferencePool>;
}

/**
 * An InferencePool: model-server endpoints chosen per request by the endpoint picker. Requests to a pool are
 * OpenAI-style inference requests; the data plane parses their body once (model, prompt) before picking.
 */
export interface IRInferencePool {
  id: string;
  protocol: 'http1' | 'h2c';
  /** Ready pods × target ports. */
  endpoints: IRPoolEndpoint[];
  /** EndpointPickerConfig text (YAML); empty means the reference default profile. Already validated. */
  pickerConfig: string;
  /** InferenceObjective name → priority (`x-gateway-inference-objective` selects one; absent: 0). */
  objectives: Record<string, number>;
  /** Weighted model rewrites (InferenceModelRewrite), first matching rule wins. */
  modelRewrites: IRModelRewrite[];
}

export interface IRPoolEndpoint {
  address: string;
  port: number;
  /** Pod name, for the picker's logs and metrics. */
  name: string;
  /** Pod labels (engine type, LoRA hints). */
  labels: Record<string, string>;
}

export interface IRModelRewrite {
  /** Model names this rule applies to (exact); empty matches every model. */
  models: string[];
  /** The model sent upstream, chosen by weight; responses are rewritten back to the requested name. */
  targets: { model: string; weight: number }[];
}

export type IRPortProtocol = 'HTTP' | 'HTTPS';

export interface IRPort {
  /** IP address to bind (IPv4 or IPv6 literal). */
  address: string;
  port: number;
  protocol: IRPortProtocol;
  /** `namespace/name` of the Gateway that owns this socket (logs, metrics). */
  gateway: string;
  /** Listeners on this socket, most specific hostname first (exact, longest wildcard, none). */
  listeners: IRListener[];
  /**
   * Model name → base model, from the Gateway's model-mapping ConfigMaps: each LoRA adapter to its base model,
   * each base model to itself. An inference request's `x-gateway-base-model-name` is looked up here first.
   * Absent when the Gateway has none.
   */
  baseModels?: Record<string, string>;
}

export interface IRListener {
  /** `namespace/gateway/listener`, unique in the IR. */
  id: string;
  /** Listener hostname (`foo.example.com`, `*.example.com`) or null to match any host. */
  hostname: string | null;
  /** TLS termination material for HTTPS listeners; absent for HTTP. */
  tls?: IRListenerTLS;
  /** Route entries in precedence order (see `precedence` in translate); first match wins within a host bucket. */
  routes: IRRoute[];
}

export interface IRListenerTLS {
  /** PEM certificate chains and keys; SNI picks the listener, then the certificate. */
  certificates: IRCertificate[];
  /** Frontend mTLS: client certificates are requested and checked against these CAs. */
  clientValidation?: IRClientValidation;
}

export interface IRClientValidation {
  /** PEM CA bundles a client certificate must chain to. */
  caPems: string[];
  /** `AllowValidOnly`: no valid client certificate, no connection. `AllowInsecureFallback`: accept without one. */
  mode: 'AllowValidOnly' | 'AllowInsecureFallback';
}

export interface IRCertificate {
  certPem: string;
  keyPem: string;
}

/**
 * One (route, rule, match) triple, flattened. `hostnames` are the route hostnames that intersect the
 * listener (empty: any host the listener accepts). The data plane buckets entries by hostname and keeps
 * their order inside a bucket.
 */
export interface IRRoute {
  /** `httproute/<ns>/<name>/rule/<i>/match/<j>` — stable, for logs and metrics. */
  id: string;
  hostnames: string[];
  match: IRMatch;
  /** Filters of the rule, in list order. */
  filters: IRFilter[];
  /** Weighted backends; empty means "no backendRefs" (answered 500) unless a filter answers first. */
  backends: IRBackend[];
  timeouts?: IRTimeouts;
  retry?: IRRetry;
  sessionPersistence?: IRSessionPersistence;
  /** `grpc` entries come from GRPCRoutes: errors are answered as gRPC statuses (UNIMPLEMENTED, UNAVAILABLE). */
  kind?: 'http' | 'grpc';
}

export interface IRRetry {
  /** HTTP statuses that are retried; connection errors are always retried. */
  codes: number[];
  /** How many retries after the first try. */
  attempts: number;
  /** Minimum wait between tries, ms. */
  backoffMs: number;
}

export interface IRSessionPersistence {
  type: 'Cookie' | 'Header';
  /** Cookie or header name carrying the session. */
  name: string;
  /** Cookie lifetime: `Permanent` sets Max-Age from `absoluteTimeoutMs`. */
  lifetime: 'Session' | 'Permanent';
  absoluteTimeoutMs?: number;
}

export interface IRTimeouts {
  /** Whole-request budget in ms; absent or 0 means none. */
  requestMs?: number;
  /** Budget for one upstream attempt in ms; absent or 0 means none. */
  backendRequestMs?: number;
}

export type IRPathMatch =
  | { type: 'Exact'; value: string }
  | { type: 'PathPrefix'; value: string }
  | { type: 'RegularExpression'; value: string };

export interface IRValueMatch {
  /** Header names are lower-cased; query parameter names are kept as written (case-sensitive). */
  name: string;
  type: 'Exact' | 'RegularExpression';
  value: string;
}

export interface IRMatch {
  path: IRPathMatch;
  method?: string;
  headers: IRValueMatch[];
  queryParams: IRValueMatch[];
}

export interface IRHeaderModifier {
  /** [name, value] pairs; names compared case-insensitively. */
  set: [string, string][];
  add: [string, string][];
  remove: string[];
}

export type IRPathModifier =
  | { type: 'ReplaceFullPath'; value: string }
  | { type: 'ReplacePrefixMatch'; value: string };

export interface IRRedirect {
  scheme?: 'http' | 'https';
  hostname?: string;
  port?: number;
  path?: IRPathModifier;
  statusCode: number;
}

export interface IRRewrite {
  hostname?: string;
  path?: IRPathModifier;
}

export type IRFilter =
  | { type: 'RequestHeaderModifier'; modifier: IRHeaderModifier }
  | { type: 'ResponseHeaderModifier'; modifier: IRHeaderModifier }
  | { type: 'RequestRedirect'; redirect: IRRedirect }
  | { type: 'URLRewrite'; rewrite: IRRewrite }
  | { type: 'RequestMirror'; mirror: IRMirror }
  | { type: 'CORS'; cors: IRCors }
  /** A filter that could not be honoured (e.g. unresolvable ExtensionRef): the request gets this status. */
  | { type: 'DirectResponse'; status: number };

export interface IRMirror {
  /** The cluster that gets a copy; its responses are discarded. */
  cluster: string;
  /** Share of requests mirrored: numerator / denominator. */
  numerator: number;
  denominator: number;
}

export interface IRCors {
  /** Exact origins or patterns with `*` (a lone `*` allows any origin). */
  allowOrigins: string[];
  allowCredentials: boolean;
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

/** One weighted choice of a rule. `target` says where a request that picks it goes. */
export interface IRBackend {
  weight: number;
  target: IRBackendTarget;
  /** Filters that run only when this backend is picked (after the rule's filters). */
  filters: IRFilter[];
}

export type IRBackendTarget =
  | { kind: 'cluster'; cluster: string }
  | { kind: 'pool'; pool: string }
  /** An invalid reference: requests that pick it get `status` (500 per spec; gRPC entries answer UNAVAILABLE). */
  | { kind: 'invalid'; status: number; reason: string };

export type IRUpstreamProtocol = 'http1' | 'h2c' | 'ws';

export interface IRCluster {
  id: string;
  protocol: IRUpstreamProtocol;
  /** Ready endpoints; empty means 503. */
  endpoints: IREndpoint[];
  /** TLS to the endpoints (BackendTLSPolicy). Absent: plaintext. */
  tls?: IRUpstreamTLS;
}

export interface IRUpstreamTLS {
  /** SNI and the name the server certificate must carry (unless `subjectAltNames` is set). */
  serverName: string;
  /** PEM CA bundles to trust, or the system store. */
  ca: { pems: string[] } | 'system';
  /** When set, the certificate must carry one of these instead of `serverName`. */
  subjectAltNames?: { type: 'Hostname' | 'URI'; value: string }[];
  /** Client certificate presented to the backend (Gateway `tls.backend.clientCertificateRef`). */
  clientCertificate?: IRCertificate;
}

export interface IREndpoint {
  address: string;
  port: number;
}
