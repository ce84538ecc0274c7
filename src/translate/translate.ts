// The translator: a pure function from accepted objects to the IR and the status Sluice owns.
// Phases run in a fixed order and collect every problem instead of stopping at the first.

import type { IR, IRCluster, IRFilter, IRPort, IRPortProtocol } from '../ir/types.ts';
import type { KubeObject } from '../resources/object.ts';
import { applyBackendClientCertificates } from './backendclientcert.ts';
import { resolveBackendTLSPolicies, writeBackendTLSStatus } from './backendtls.ts';
import {
  gatewayModelMappings,
  type ModelMappings,
  resolveModelMappings,
  withModelMappingsCondition,
} from './basemodels.ts';
import { buildContext } from './context.ts';
import { allListeners, type GatewayVerdict, gatewayStatus, processGateways } from './gateway.ts';
import { processGatewayClasses } from './gatewayclass.ts';
import { compileGrpcRules } from './grpcroute.ts';
import { compareHostnameSpecificity } from './hostnames.ts';
import { compileRules } from './httprules.ts';
import { writeInferencePoolStatus } from './inferencepool.ts';
import { type ListenerVerdict, listenerServes } from './listener.ts';
import { listenerSetStatus } from './listenerset.ts';
import { compareEntries } from './precedence.ts';
import { processRoutes, type RouteSource } from './routes.ts';
import type { ObjectStatus, TranslateOptions, TranslateResult } from './types.ts';

export function translate(objects: KubeObject[], options: TranslateOptions): TranslateResult {
  const context = buildContext(objects, options);
  const status = new Map<string, ObjectStatus>();
  const clusters = new Map<string, IRCluster>();

  const backendTLS = resolveBackendTLSPolicies(context);
  context.backendTLS = backendTLS.targets;
  const classes = processGatewayClasses(context, status);
  const gateways = processGateways(context, classes);
  const modelMappings = resolveModelMappings(context);
  const routes: RouteSource[] = [
    ...context.httpRoutes.map((route) => ({
      route,
      kind: 'http' as const,
      compile: () => compileRules(context, route, clusters),
    })),
    ...context.grpcRoutes.map((route) => ({
      route,
      kind: 'grpc' as const,
      compile: () => compileGrpcRules(context, route, clusters),
    })),
  ];
  processRoutes(context, gateways, routes, status);
  writeBackendTLSStatus(context, backendTLS.verdicts, status);
  writeInferencePoolStatus(context, status);
  applyBackendClientCertificates(gateways, clusters);
  for (const verdict of gateways) {
    for (const set of verdict.listenerSets) {
      status.set(
        `ListenerSet/${set.listenerSet.metadata.namespace}/${set.listenerSet.metadata.name}`,
        listenerSetStatus(set, verdict.accepted.ok),
      );
    }
    status.set(
      `Gateway/${verdict.gateway.metadata.namespace}/${verdict.gateway.metadata.name}`,
      withModelMappingsCondition(
        gatewayStatus(verdict),
        verdict.gateway,
        gatewayModelMappings(modelMappings, verdict.gateway),
      ),
    );
  }

  const ports = buildPorts(gateways, modelMappings);
  const used = referencedClusters(ports);
  const ir: IR = {
    ports,
    clusters: Object.fromEntries(
      [...clusters].filter(([id]) => used.has(id)).sort(([a], [b]) => a.localeCompare(b)),
    ),
    ...(context.pools.size > 0
      ? { pools: Object.fromEntries([...context.pools].sort(([a], [b]) => a.localeCompare(b))) }
      : {}),
  };
  return { ir, status };
}

/**
 * One IR port per (address, listener port) of every serving listener, listeners most specific first, with the
 * Gateway's model mappings.
 */
function buildPorts(gateways: GatewayVerdict[], modelMappings: ReadonlyMap<string, ModelMappings>): IRPort[] {
  const ports: IRPort[] = [];
  for (const verdict of gateways) {
    if (!verdict.accepted.ok) continue;
    const baseModels = gatewayModelMappings(modelMappings, verdict.gateway)?.baseModels ?? {};
    const serving = allListeners(verdict).filter(listenerServes);
    const byPort = Map.groupBy(serving, (listener) => listener.listener.port);
    for (const address of verdict.addresses) {
      for (const [port, listeners] of [...byPort].sort(([a], [b]) => a - b)) {
        ports.push({
          address,
          port,
          protocol: listeners[0].listener.protocol as IRPortProtocol,
          gateway: `${verdict.gateway.metadata.namespace}/${verdict.gateway.metadata.name}`,
          listeners: listeners
            .toSorted((a, b) => compareHostnameSpecificity(a.listener.hostname, b.listener.hostname))
            .map((listener) => ({
              id: listenerId(verdict, listener),
              hostname: listener.listener.hostname ?? null,
              ...(listener.listener.protocol === 'HTTPS'
                ? {
                    tls: {
                      certificates: listener.certificates,
                      ...(listener.clientValidation ? { clientValidation: listener.clientValidation } : {}),
                    },
                  }
                : {}),
              routes: listener.routes
                .toSorted((a, b) =>
                  compareEntries(
                    { match: a.entry.match, sortKey: a.sortKey },
                    { match: b.entry.match, sortKey: b.sortKey },
                  ),
                )
                .map((route) => route.entry),
            })),
          ...(Object.keys(baseModels).length > 0 ? { baseModels: { ...baseModels } } : {}),
        });
      }
    }
  }
  return ports;
}

/** `ns/gateway/listener`, or `ns/gateway/listenerset-ns/listenerset/listener` for a ListenerSet's listener. */
function listenerId(verdict: GatewayVerdict, listener: ListenerVerdict): string {
  const gateway = `${verdict.gateway.metadata.namespace}/${verdict.gateway.metadata.name}`;
  if (listener.owner === verdict.gateway) return `${gateway}/${listener.listener.name}`;
  return `${gateway}/${listener.owner.metadata.namespace}/${listener.owner.metadata.name}/${listener.listener.name}`;
}

/** Clusters the served routes can reach (backends and mirrors); others (e.g. replaced by per-Gateway copies) are dropped. */
function referencedClusters(ports: IRPort[]): Set<string> {
  const used = new Set<string>();
  const visitFilters = (filters: IRFilter[]) => {
    for (const filter of filters) if (filter.type === 'RequestMirror') used.add(filter.mirror.cluster);
  };
  for (const route of ports.flatMap((port) => port.listeners.flatMap((listener) => listener.routes))) {
    visitFilters(route.filters);
    for (const backend of route.backends) {
      if (backend.target.kind === 'cluster') used.add(backend.target.cluster);
      visitFilters(backend.filters);
    }
  }
  return used;
}
