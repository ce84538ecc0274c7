// Route filters → IR filters, shared by HTTPRoute and GRPCRoute rules and their backendRefs.

import type { IRCors, IRFilter, IRHeaderModifier, IRPathModifier } from '../ir/types.ts';
import type {
  BackendObjectReference,
  HTTPCORSFilter,
  HTTPHeaderFilter,
  HTTPPathModifier,
  HTTPRequestMirrorFilter,
  HTTPRouteFilter,
} from '../resources/gateway-api.ts';
import type { BackendResolution } from './backends.ts';

/** What compiling filters needs from the rule around them. */
export interface FilterEnvironment {
  resolveBackend(ref: BackendObjectReference): BackendResolution;
  /** A reference that cannot be resolved: reported in the parent's `ResolvedRefs`. */
  refProblem(problem: NonNullable<BackendResolution['problem']>): void;
  /** A filter Sluice cannot implement: the rule is dropped. */
  unsupported(reason: string): void;
}

export function compileFilters(filters: HTTPRouteFilter[], env: FilterEnvironment): IRFilter[] {
  const compiled: IRFilter[] = [];
  for (const filter of filters) {
    switch (filter.type) {
      case 'RequestHeaderModifier':
        compiled.push({
          type: 'RequestHeaderModifier',
          modifier: headerModifier(filter.requestHeaderModifier),
        });
        break;
      case 'ResponseHeaderModifier':
        compiled.push({
          type: 'ResponseHeaderModifier',
          modifier: headerModifier(filter.responseHeaderModifier),
        });
        break;
      case 'RequestRedirect': {
        const redirect = filter.requestRedirect ?? {};
        compiled.push({
          type: 'RequestRedirect',
          redirect: {
            ...(redirect.scheme === 'http' || redirect.scheme === 'https' ? { scheme: redirect.scheme } : {}),
            ...(redirect.hostname ? { hostname: redirect.hostname } : {}),
            ...(redirect.port ? { port: redirect.port } : {}),
            ...(redirect.path ? { path: pathModifier(redirect.path) } : {}),
            statusCode: redirect.statusCode ?? 302,
          },
        });
        break;
      }
      case 'URLRewrite': {
        const rewrite = filter.urlRewrite ?? {};
        compiled.push({
          type: 'URLRewrite',
          rewrite: {
            ...(rewrite.hostname ? { hostname: rewrite.hostname } : {}),
            ...(rewrite.path ? { path: pathModifier(rewrite.path) } : {}),
          },
        });
        break;
      }
      case 'RequestMirror': {
        const mirror = filter.requestMirror;
        if (mirror) {
          const filterIR = mirrorFilter(mirror, env);
          if (filterIR) compiled.push(filterIR);
        }
        break;
      }
      case 'CORS':
        compiled.push({ type: 'CORS', cors: corsPolicy(filter.cors ?? {}) });
        break;
      case 'ExtensionRef': {
        // An unresolvable extension must not be skipped: its requests get a 500.
        const ref = filter.extensionRef;
        compiled.push({ type: 'DirectResponse', status: 500 });
        env.refProblem({
          reason: 'InvalidKind',
          message: `ExtensionRef ${ref?.group}/${ref?.kind} ${ref?.name} is not a kind Sluice supports`,
        });
        break;
      }
      default:
        env.unsupported(`filter type ${filter.type} is not supported`);
    }
  }
  return compiled;
}

/** An invalid mirror backend is reported and left out; the request itself is unaffected. */
function mirrorFilter(mirror: HTTPRequestMirrorFilter, env: FilterEnvironment): IRFilter | undefined {
  const resolution = env.resolveBackend(mirror.backendRef);
  if (resolution.problem) env.refProblem(resolution.problem);
  if (resolution.target.kind !== 'cluster') return undefined;
  const [numerator, denominator] =
    mirror.percent !== undefined
      ? [mirror.percent, 100]
      : mirror.fraction !== undefined
        ? [mirror.fraction.numerator, mirror.fraction.denominator ?? 100]
        : [100, 100];
  return { type: 'RequestMirror', mirror: { cluster: resolution.target.cluster, numerator, denominator } };
}

function corsPolicy(cors: HTTPCORSFilter): IRCors {
  return {
    allowOrigins: cors.allowOrigins ?? [],
    allowCredentials: cors.allowCredentials ?? false,
    allowMethods: cors.allowMethods ?? [],
    allowHeaders: cors.allowHeaders ?? [],
    exposeHeaders: cors.exposeHeaders ?? [],
    maxAgeSeconds: cors.maxAge ?? 5,
  };
}

function headerModifier(filter: HTTPHeaderFilter | undefined): IRHeaderModifier {
  return {
    set: (filter?.set ?? []).map((header) => [header.name, header.value]),
    add: (filter?.add ?? []).map((header) => [header.name, header.value]),
    remove: filter?.remove ?? [],
  };
}

function pathModifier(modifier: HTTPPathModifier): IRPathModifier {
  return modifier.type === 'ReplaceFullPath'
    ? { type: 'ReplaceFullPath', value: modifier.replaceFullPath ?? '/' }
    : { type: 'ReplacePrefixMatch', value: modifier.replacePrefixMatch ?? '/' };
}
