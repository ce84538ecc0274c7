// Sluice's version: package.json's, read once, for `sluice version`, the install manifests and anything
// else that reports which release is running.

import { readFileSync } from 'node:fs';

function readVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return pkg !== null && typeof pkg === 'object' && 'version' in pkg ? String(pkg.version) : 'unknown';
}

/** The `version` of package.json, such as `0.1.0`. */
export const sluiceVersion = readVersion();
