import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, type Domain, type DomainEvent, openConnection } from '@virtkit/core';
import { afterEach, vi } from 'vitest';
import { driver } from '../src/index.js';
import { killLeftoverControllers, makeBusyboxRootfs } from '../src/testing/index.js';

/** Polling for what a container does; a busybox container is up in well under a second. */
export const CONTAINER_WAIT = { timeout: 15_000, interval: 10 };

/**
 * The test init: ends on SIGTERM and reboots (reboot(2), only as pid 1 of its own pid namespace) on
 * SIGHUP, gives the console a shell, then says BOOT on the console and in /boots. The traps come
 * first: pid 1 of a namespace drops a signal it has no handler for, and tests signal it as soon as
 * /boots says it is up. Named vk-init so a shell in the container can tell /proc/1 is this init.
 */
const INIT = `#!/bin/busybox sh
trap 'exit 0' TERM
trap '[ $$ = 1 ] && busybox reboot -f' HUP
busybox sh </dev/console >/dev/console 2>&1 &
echo BOOT
echo BOOT >> /boots
while :; do busybox sleep 1 & wait $!; done
`;

export interface ContainerOptions {
  /** `<memory>` in KiB; 64 MiB when not given. */
  memoryKiB?: number;
}

export interface LxcFixture {
  readonly root: string;
  readonly uri: string;
  prepare(): Promise<string>;
  open(): Promise<Connection>;
  /** XML of a container `name` with a busybox root of its own and the test init. */
  containerXml(name: string, options?: ContainerOptions): Promise<string>;
}

/**
 * A fresh embed root per test. After each test, even a failed one, every controller and
 * container left under the root is killed, connections are closed and the root is removed.
 */
export function useLxcFixture(): LxcFixture {
  let root: string | undefined;
  let connections: Connection[] = [];
  afterEach(async () => {
    for (const conn of connections) await conn.close().catch(() => {});
    if (root !== undefined) {
      await killLeftoverControllers(join(root, 'run', 'lxc'));
      await rm(root, { recursive: true, force: true });
    }
    root = undefined;
    connections = [];
  });
  const fixture: LxcFixture = {
    get root() {
      if (root === undefined) throw new Error('the fixture is set up by prepare()');
      return root;
    },
    get uri() {
      return `lxc:///embed?root=${fixture.root}`;
    },
    async prepare() {
      root ??= await mkdtemp(join(tmpdir(), 'vkl-'));
      return root;
    },
    async open() {
      await fixture.prepare();
      const conn = await openConnection(fixture.uri, { drivers: [driver], env: process.env });
      connections.push(conn);
      return conn;
    },
    async containerXml(name, options = {}) {
      const rootfs = join(await fixture.prepare(), 'rootfs', name);
      await mkdir(rootfs, { recursive: true });
      await makeBusyboxRootfs(rootfs);
      await writeFile(join(rootfs, 'vk-init'), INIT);
      await chmod(join(rootfs, 'vk-init'), 0o755);
      return containerXml(name, rootfs, options);
    },
  };
  return fixture;
}

export function containerXml(name: string, rootfs: string, options: ContainerOptions = {}): string {
  return `<domain type='lxc'>
  <name>${name}</name>
  <memory unit='KiB'>${options.memoryKiB ?? 65536}</memory>
  <os><type>exe</type><init>/vk-init</init></os>
  <devices>
    <filesystem type='mount'><source dir='${rootfs}'/><target dir='/'/></filesystem>
    <console type='pty'/>
  </devices>
</domain>`;
}

/** Every event of the connection, as `type(detail)` or the event id. */
export function recordEvents(conn: Connection): string[] {
  const names: string[] = [];
  conn.subscribe({}, (event: DomainEvent) => {
    names.push(event.id === 'lifecycle' ? `${event.type}(${event.detail})` : event.id);
  });
  return names;
}

/**
 * A console session that collects what the container writes, once the container's console shell
 * answers: it may start reading after init says BOOT, so a probe is typed until its output comes back.
 */
export async function consoleOf(
  dom: Domain,
): Promise<{ text(): string; type(line: string): void; end(): void }> {
  const stream = await dom.openConsole({});
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  stream.on('error', () => {});
  const type = (line: string) => stream.write(`${line}\n`);
  await vi.waitFor(
    () => {
      if (/^(\/ # )?console-ready\r?$/m.test(text)) return;
      type("echo console-''ready");
      throw new Error(`the console shell does not answer: ${JSON.stringify(text)}`);
    },
    { timeout: 15_000, interval: 200 },
  );
  return { text: () => text, type, end: () => stream.destroy() };
}

/** How many times init has started in container `name` (it appends BOOT to /boots of its root). */
export async function bootCount(fixture: LxcFixture, name: string): Promise<number> {
  const text = await readFile(join(fixture.root, 'rootfs', name, 'boots'), 'utf8').catch(() => '');
  return text.split('BOOT').length - 1;
}
