// Command-line parsing shared by the subcommands: flags via node:util, failures as `cli_usage` errors.

import { isIP } from 'node:net';
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { SluiceError } from '../errors.ts';

export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Parses `args` strictly (unknown flags and stray positionals are usage errors). */
export function parseFlags(args: string[], options: ParseArgsOptionsConfig): FlagValues {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new SluiceError('cli_usage', { reason: error instanceof Error ? error.message : String(error) });
  }
}

export function usageError(reason: string): SluiceError {
  return new SluiceError('cli_usage', { reason });
}

export interface HostPort {
  host: string;
  port: number;
}

/** `HOST:PORT`, `[V6]:PORT` or `:PORT` (host defaults to 127.0.0.1); port 0 means "pick a free one". */
export function parseHostPort(value: string, flag: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const host = match ? (match[1] ?? match[2]) || '127.0.0.1' : '';
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || isIP(host) === 0 || port > 65535) {
    throw usageError(
      `${flag} must be ADDRESS:PORT with an IP address (for example 127.0.0.1:9901), not "${value}"`,
    );
  }
  return { host, port };
}

/** `HOST:PORT` as people write it (IPv6 in brackets). */
export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
