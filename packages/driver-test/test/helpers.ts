import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, type DomainEvent, openConnection } from '@virtkit/core';
import { afterEach } from 'vitest';
import { driver } from '../src/index.js';

/** Opens a connection through core, as applications do, with only this driver available. */
export function open(uri: string): Promise<Connection> {
  return openConnection(uri, { drivers: [driver] });
}

/** Closes every connection opened through `track` after each test, so the default node starts fresh. */
export function useConnections(): (conn: Connection) => Connection {
  const opened: Connection[] = [];
  afterEach(async () => {
    for (const conn of opened.splice(0)) await conn.close();
  });
  return (conn) => {
    opened.push(conn);
    return conn;
  };
}

/** A temporary directory removed after each test; `write` puts files in it. */
export function useTempDir(): { write(name: string, text: string): string } {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    write(name, text) {
      dir ??= mkdtempSync(join(tmpdir(), 'virtkit-driver-test-'));
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** Every event a connection receives, as "type(detail)" or the event id. */
export function recordEvents(conn: Connection): string[] {
  const names: string[] = [];
  conn.subscribe({}, (event: DomainEvent) => {
    names.push(
      event.id === 'lifecycle'
        ? `${event.domain.name} ${event.type}(${event.detail})`
        : `${event.domain.name} ${event.id}`,
    );
  });
  return names;
}
