// The Gateway API features Sluice implements and proves with its conformance suite (test/conformance/), as
// `GatewayClass.status.supportedFeatures` lists them (sorted by name, as the spec requires). A feature is
// listed only when every upstream test that needs it is ported and passes.

export const supportedFeatures: readonly string[] = [
  // GATEWAY-HTTP and GATEWAY-GRPC core
  'Gateway',
  'GRPCRoute',
  'HTTPRoute',
  'ReferenceGrant',
  // Extended: Gateway (GatewayInfrastructurePropagation is missing: standalone Sluice creates no objects to carry it)
  'GatewayAddressEmpty',
  'GatewayBackendClientCertificate',
  'GatewayFrontendClientCertificateValidation',
  'GatewayFrontendClientCertificateValidationInsecureFallback',
  'GatewayHTTPListenerIsolation',
  'GatewayHTTPSListenerDetectMisdirectedRequests',
  'GatewayPort8080',
  'GatewayStaticAddresses',
  'ListenerSet',
  // Extended: BackendTLSPolicy
  'BackendTLSPolicy',
  'BackendTLSPolicySANValidation',
  // GATEWAY-HTTP extended: HTTPRoute
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendProtocolWebSocket',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteBackendTimeout',
  'HTTPRouteCORS',
  'HTTPRouteDestinationPortMatching',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRouteNamedRouteRule',
  'HTTPRouteParentRefPort',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteRequestMirror',
  'HTTPRouteRequestMultipleMirrors',
  'HTTPRouteRequestPercentageMirror',
  'HTTPRouteRequestTimeout',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteRetry',
  'HTTPRouteSchemeRedirect',
].sort();
