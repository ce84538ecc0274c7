// Upstream `conformance/utils/weight`: does traffic split across backends as the weights say?

const totalRequests = 500;
const concurrentRequests = 10;
const tolerance = 0.05;
export const maxWeightTestRetries = 10;

/** Upstream `extractBackendName`: a pod `<deployment>-<replicaset hash>-<pod hash>` → `<deployment>`. */
export function backendNameOf(pod: string): string {
  const parts = pod.split('-');
  return parts.length < 3 ? pod : parts.slice(0, -2).join('-');
}

/**
 * Upstream `TestWeightedDistribution`: sends 500 requests, 10 at a time, through `send` (which
 * returns the answering pod) and returns the problems found, or `undefined` if the observed shares
 * are within ±5% of `expectedWeights` and only backends with a positive weight were hit.
 */
export async function weightedDistributionProblems(
  send: () => Promise<string>,
  expectedWeights: Record<string, number>,
): Promise<string | undefined> {
  const seen = new Map<string, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < totalRequests) {
      next++;
      const pod = await send();
      const backend = backendNameOf(pod);
      if (!(backend in expectedWeights)) {
        throw new Error(
          `request was handled by an unexpected pod "${pod}" (extracted backend: "${backend}")`,
        );
      }
      seen.set(backend, (seen.get(backend) ?? 0) + 1);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrentRequests }, worker));
  } catch (error) {
    return `error while sending requests: ${error instanceof Error ? error.message : String(error)}`;
  }

  const problems: string[] = [];
  const activeBackends = Object.values(expectedWeights).filter((weight) => weight > 0).length;
  if (seen.size !== activeBackends) {
    problems.push(`expected ${activeBackends} backends to receive traffic, but got ${seen.size}`);
  }
  for (const [backend, wantShare] of Object.entries(expectedWeights)) {
    const count = seen.get(backend);
    if (count === undefined && wantShare !== 0) {
      problems.push(`expect traffic to hit backend "${backend}" - but none was received`);
      continue;
    }
    const gotShare = (count ?? 0) / totalRequests;
    if (Math.abs(gotShare - wantShare) > tolerance) {
      problems.push(
        `backend "${backend}" weighted traffic of ${gotShare} not within tolerance ${wantShare} (+/-${tolerance})`,
      );
    }
  }
  return problems.length > 0 ? problems.sort().join('\n') : undefined;
}
