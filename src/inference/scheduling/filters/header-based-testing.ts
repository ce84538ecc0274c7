// `header-based-testing-filter`: the Inference Extension's conformance filter. The `test-epp-endpoint-selection`
// request header names the endpoints the picker may choose (`ip`, any of its ports; or `ip:port`, `[v6]:port`),
// comma-separated, so conformance tests can tell which endpoint must answer. Only a pool whose
// EndpointPickerConfig lists the plugin honours the header.

import type { Endpoint } from '../../datalayer/endpoint.ts';
import type { PluginType } from '../registry.ts';

export const endpointSelectionHeader = 'test-epp-endpoint-selection';

/** One entry of the header: an address, and a port when the entry names one. */
interface Selection {
  address: string;
  port: number | undefined;
}

/** `10.0.0.7`, `10.0.0.7:8000`, `fd00::1`, `[fd00::1]` or `[fd00::1]:8000`; undefined for anything else. */
function parseSelection(entry: string): Selection | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { address: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort) return { address: hostPort[1], port: Number(hostPort[2]) };
  return entry === '' ? undefined : { address: entry, port: undefined };
}

function selects(selection: Selection, endpoint: Endpoint): boolean {
  return (
    selection.address === endpoint.address &&
    (selection.port === undefined || selection.port === endpoint.port)
  );
}

export const headerBasedTestingFilter: PluginType = {
  type: 'header-based-testing-filter',
  kinds: ['filter'],
  configure(parameters) {
    parameters.done('header-based-testing-filter');
    return (name) => ({
      type: 'header-based-testing-filter',
      name,
      filter(request, endpoints) {
        const header = request.headers[endpointSelectionHeader];
        // Without the header every endpoint stays, as upstream's v1.6 conformance picker does, so tests that
        // do not steer still reach the pool; a header that selects nothing leaves nothing.
        if (header === undefined || header.trim() === '') return endpoints;
        const selections = header
          .split(',')
          .map((entry) => parseSelection(entry.trim()))
          .filter((selection) => selection !== undefined);
        return endpoints.filter((endpoint) => selections.some((selection) => selects(selection, endpoint)));
      },
    });
  },
};
