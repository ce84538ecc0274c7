// A kubeconfig user's `tokenFile`, honoured as kubectl (client-go) honours it: `@kubernetes/client-node`
// reads only its own `token-file` key, once, so a kubeconfig written for kubectl would otherwise send no
// credentials. The path is relative to the kubeconfig that names it, the token is read when the
// configuration is loaded, and re-read while in use, so a rotated token (a projected service account
// token, a token a sidecar refreshes) is picked up without a restart.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { log } from '../../observability/log.ts';
import { isPlainObject } from '../../resources/check.ts';

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/**
 * How long a token read from the file is used before the file is read again: client-go's one-minute
 * period less its ten-second leeway (transport.NewCachedFileTokenSource).
 */
export const TOKEN_FILE_REREAD_MS = 50_000;

/**
 * The `tokenFile` of every user in `files` that names one, as an absolute path, by user name. Users with
 * a `token` (or the library's `token-file`) are left out: the kubeconfig reference gives `token`
 * precedence, and the library already sends it.
 */
export function userTokenFiles(files: readonly string[]): Map<string, string> {
  const paths = new Map<string, string>();
  for (const file of files) {
    const config: unknown = parse(readFileSync(file, 'utf8'));
    const users = isPlainObject(config) && Array.isArray(config.users) ? config.users : [];
    for (const entry of users) {
      if (!isPlainObject(entry) || typeof entry.name !== 'string' || !isPlainObject(entry.user)) continue;
      const { tokenFile, token } = entry.user;
      if (typeof tokenFile !== 'string' || tokenFile === '' || token || entry.user['token-file']) continue;
      // Like kubectl's merge of several kubeconfigs: the first file that defines a user wins.
      if (!paths.has(entry.name)) paths.set(entry.name, resolve(dirname(file), tokenFile));
    }
  }
  return paths;
}

interface CachedToken {
  token: string;
  readAt: number;
}

/** The library's hook for a credential it does not know: sets `Authorization` from the user's token file. */
export class TokenFileAuthenticator implements Authenticator {
  readonly #paths: ReadonlyMap<string, string>;
  readonly #cache = new Map<string, CachedToken>();

  constructor(paths: ReadonlyMap<string, string>) {
    this.#paths = paths;
  }

  isAuthProvider(user: User): boolean {
    return this.#paths.has(user.name);
  }

  async applyAuthentication(user: User, opts: Parameters<Authenticator['applyAuthentication']>[1]) {
    const token = this.token(user.name);
    if (token !== undefined) opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
  }

  /**
   * `userName`'s token (undefined when the user names no token file): the file's content, trimmed, read
   * again once the last read is older than `TOKEN_FILE_REREAD_MS`. A file that cannot be read (or is
   * empty) throws when there is no earlier token; later, the last good token stays in use, as in
   * client-go, and the failure is logged (once a period, not on every request).
   */
  token(userName: string): string | undefined {
    const path = this.#paths.get(userName);
    if (path === undefined) return undefined;
    const cached = this.#cache.get(path);
    const now = Date.now();
    if (cached && now - cached.readAt < TOKEN_FILE_REREAD_MS) return cached.token;
    try {
      const token = readFileSync(path, 'utf8').trim();
      if (token === '') throw new Error(`the token file ${path} is empty`);
      this.#cache.set(path, { token, readAt: now });
      return token;
    } catch (error) {
      if (!cached) throw error;
      this.#cache.set(path, { token: cached.token, readAt: now });
      log.warn('cannot read the kubeconfig token file again; the last token stays in use', {
        file: path,
        error: error instanceof Error ? error.message : String(error),
      });
      return cached.token;
    }
  }
}
