// The `schedulingProfiles` part of EndpointPickerConfig: one profile of filters, weighted scorers and a
// picker, with upstream's defaults (every plugin when no profile is given, a picker when none is named).

import type { PathSegment } from '../../resources/field-path.ts';
import type { ConfiguredPlugin, SystemPlugin } from './config.ts';
import { ConfigProblem, Params, type Problems } from './params.ts';
import { findPluginType } from './registry.ts';

export interface ProfileConfig {
  name: string;
  filters: string[];
  scorers: { pluginRef: string; weight: number }[];
  picker: string;
}

export function readProfile(
  root: Params,
  plugins: Map<string, ConfiguredPlugin>,
  system: ReadonlyMap<string, SystemPlugin>,
  problems: Problems,
): ProfileConfig {
  const profiles = problems.attempt(
    () =>
      root.list('schedulingProfiles', (raw, path) => {
        const entry = new Params(raw, path);
        const name = entry.string('name', '');
        if (name === '') problems.add(entry.at('name'), 'is required');
        const refs = problems.attempt(
          () =>
            entry.list('plugins', (refRaw, refPath) =>
              problems.attempt(() => {
                const ref = new Params(refRaw, refPath);
                const pluginRef = ref.string('pluginRef', '');
                const weight = ref.has('weight') ? ref.number('weight', 1, { min: 0 }) : undefined;
                ref.done('a profile plugin');
                if (pluginRef === '') throw new ConfigProblem(ref.at('pluginRef'), 'is required');
                const plugin = plugins.get(pluginRef);
                if (plugin === undefined) {
                  const why = system.has(pluginRef)
                    ? 'is not a filter, scorer or picker'
                    : 'names no plugin in the plugins list';
                  throw new ConfigProblem(ref.at('pluginRef'), `${JSON.stringify(pluginRef)} ${why}`);
                }
                if (plugin.kinds.includes('profile-handler'))
                  throw new ConfigProblem(
                    ref.at('pluginRef'),
                    `${pluginRef} is a profile handler, not a profile plugin`,
                  );
                if (weight !== undefined && !plugin.kinds.includes('scorer'))
                  throw new ConfigProblem(
                    ref.at('weight'),
                    `only scorers take a weight; ${pluginRef} is a ${plugin.kinds[0]}`,
                  );
                return { pluginRef, weight, kind: plugin.kinds[0], path: refPath };
              }, undefined),
            ),
          [],
        );
        entry.done('a scheduling profile');
        return { name, refs: refs.flatMap((ref) => (ref === undefined ? [] : [ref])), path };
      }),
    [],
  );
  if (profiles.length > 1) {
    problems.add(
      ['schedulingProfiles', 1],
      'Sluice runs a single scheduling profile (single-profile-handler); disaggregated profile handlers are not supported',
    );
  }
  // No profile: upstream's default profile holds every filter, scorer and picker, in the listed order.
  const profile = profiles[0] ?? {
    name: 'default',
    path: ['schedulingProfiles'] as PathSegment[],
    refs: [...plugins.values()]
      .filter((plugin) => !plugin.kinds.includes('profile-handler'))
      .map((plugin) => ({
        pluginRef: plugin.name,
        weight: undefined,
        kind: plugin.kinds[0],
        path: ['plugins'],
      })),
  };
  const pickers = profile.refs.filter((ref) => ref.kind === 'picker');
  if (pickers.length > 1)
    problems.add(
      pickers[1].path,
      `a profile has exactly one picker; ${pickers[0].pluginRef} is already its picker`,
    );
  let picker: string | undefined = pickers[0]?.pluginRef;
  if (picker === undefined) {
    // A profile without a picker gets the first picker defined, else a max-score-picker with defaults.
    picker = [...plugins.values()].find((plugin) => plugin.kinds.includes('picker'))?.name;
    if (picker === undefined) {
      const maxScore = findPluginType('max-score-picker');
      if (maxScore === undefined) throw new Error('max-score-picker is not registered');
      picker = 'max-score-picker';
      const make = maxScore.configure(new Params(undefined, []));
      plugins.set(picker, {
        name: picker,
        type: picker,
        kinds: maxScore.kinds,
        parameters: undefined,
        parametersPath: [],
        make,
      });
    }
  }
  return {
    name: profile.name,
    filters: profile.refs.filter((ref) => ref.kind === 'filter').map((ref) => ref.pluginRef),
    scorers: profile.refs
      .filter((ref) => ref.kind === 'scorer')
      .map((ref) => ({ pluginRef: ref.pluginRef, weight: ref.weight ?? 1 })),
    picker,
  };
}
