// The Inference Extension's well-known header names (lower case, as node:http presents them).

export const inferenceHeaders = {
  /** Set by the gateway from the body's `model`, before route matching. */
  modelName: 'x-gateway-model-name',
  /** Set by the gateway with the model: its base model when it is a LoRA adapter ('' when unknown). */
  baseModelName: 'x-gateway-base-model-name',
  /** Names the InferenceObjective whose priority applies. */
  objective: 'x-gateway-inference-objective',
  /** The flow (tenant) for fairness inside a priority band. */
  fairnessId: 'x-gateway-inference-fairness-id',
  /** Overrides the target model directly (InferenceModelRewrite's header). */
  modelNameRewrite: 'x-gateway-model-name-rewrite',
  /** The picked endpoints, `ip:port[,ip:port…]`, primary first. */
  destinationEndpoint: 'x-gateway-destination-endpoint',
  /** The endpoint that actually answered. */
  destinationEndpointServed: 'x-gateway-destination-endpoint-served',
  requestId: 'x-request-id',
} as const;

/** The flow of requests without a fairness id header. */
export const defaultFairnessId = 'default-flow';
