// The Gateway API features Sluice implements and proves with its conformance suite, as
// `GatewayClass.status.supportedFeatures` lists them (sorted by name, as the spec requires).

export const supportedFeatures: readonly string[] = ['Gateway', 'HTTPRoute', 'ReferenceGrant'].sort();
