import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from './client.ts';
import type { ServedKind } from './kinds.ts';
import { Reflector, type ReflectorScope, type ReflectorSink } from './reflector.ts';

const services: ServedKind = { kind: 'Service', apiVersion: 'v1', resource: 'services', namespaced: true };

function service(name: string, resourceVersion: string) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', resourceVersion } };
}

/** Records what the reflector delivers, and lets a test wait for the n-th delivery. */
class RecordingSink implements ReflectorSink {
  readonly events: string[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  #record(event: string): void {
    this.events.push(event);
    for (const waiter of this.#waiters.filter((w) => this.events.length >= w.count)) waiter.resolve();
  }

  replace(_scope: ReflectorScope, objects: Record<string, unknown>[]): void {
    this.#record(`list ${objects.map((object) => (object.metadata as { name: string }).name).join(',')}`);
  }

  upsert(_scope: ReflectorScope, object: Record<string, unknown>): void {
    this.#record(`upsert ${(object.metadata as { name: string }).name}`);
  }

  remove(_scope: ReflectorScope, object: Record<string, unknown>): void {
    this.#record(`remove ${(object.metadata as { name: string }).name}`);
  }

  until(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push({ count, resolve });
      if (this.events.length >= count) resolve();
    });
  }
}

describe('Reflector', () => {
  let server: Server;
  let url: string;
  /** Requests the fake API server saw, as `list` or `watch@<resourceVersion>`. */
  const seen: string[] = [];
  let lists = 0;

  before(async () => {
    server = createServer((req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      if (query.get('watch') !== 'true') {
        lists++;
        seen.push('list');
        const items =
          lists === 1 ? [service('a', '3'), service('b', '4')] : [service('b', '4'), service('c', '9')];
        res.end(
          JSON.stringify({
            kind: 'ServiceList',
            metadata: { resourceVersion: lists === 1 ? '5' : '10' },
            items,
          }),
        );
        return;
      }
      const from = query.get('resourceVersion');
      seen.push(`watch@${from}${query.get('allowWatchBookmarks') === 'true' ? '+bookmarks' : ''}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (from === '5') {
        // The server has compacted past 5: the watch opens, then says 410 Gone.
        res.end(
          `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } })}\n`,
        );
      } else if (from === '10') {
        res.write(
          `${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Service', metadata: { resourceVersion: '12' } } })}\n`,
        );
        res.end(`${JSON.stringify({ type: 'DELETED', object: service('b', '13') })}\n`);
      } else {
        // Held open until the reflector stops.
        res.write(`${JSON.stringify({ type: 'ADDED', object: service('d', '14') })}\n`);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('lists, relists on 410 Gone, resumes from bookmarks and delivers every event', async () => {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
      users: [{ name: 'anyone' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'anyone' }],
      currentContext: 'fake',
    });
    const client = new KubeClient(config);
    const sink = new RecordingSink();
    const reflector = new Reflector(client, { served: services }, sink, {
      backoffMs: { initial: 10, max: 20 },
    });
    reflector.start();
    await reflector.listed;
    await sink.until(4);
    await reflector.stop();
    assert.deepEqual(sink.events, ['list a,b', 'list b,c', 'remove b', 'upsert d']);
    assert.deepEqual(seen.slice(0, 5), [
      'list',
      'watch@5+bookmarks',
      'list',
      'watch@10+bookmarks',
      'watch@13+bookmarks',
    ]);
  });
});
