// The two managers the bench drives the same way: virtkit through one open connection of the
// built package, libvirt through one interactive virsh. Each side offers the same operations.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openConnection } from '@virtkit/core';
import { driver } from '../dist/index.js';
import { killLeftoverQemus } from '../dist/testing/index.js';
import { withTimeout } from './guest.mjs';
import { forceRemove, libvirtdRssKiB, runVirsh, VirshEvents, VirshSession } from './virsh-session.mjs';

const STOP_TIMEOUT_MS = 60_000;

/** virtkit embedded in this process (qemu:///embed?root=DIR): this process is the manager. */
export async function virtkitSide(root) {
  const conn = await openConnection(`qemu:///embed?root=${root}`, { drivers: [driver] });
  const domains = new Map();
  const stopWaiters = new Set();
  conn.subscribe({}, (event) => {
    if (event.id !== 'lifecycle' || event.type !== 'stopped') return;
    for (const waiter of stopWaiters) waiter(event.domain.name);
  });
  const define = async (guest) => {
    domains.set(guest.name, await conn.defineXml(guest.xml));
  };
  const dom = (name) => domains.get(name);
  return {
    label: 'virtkit',
    manager: 'virtkit manager (this process)',
    define,
    start: (name) => dom(name).create(),
    reboot: (name) => dom(name).reboot({ modes: ['acpi'] }),
    shutdown: (name) => dom(name).shutdown({ modes: ['acpi'] }),
    nextStop: (name) =>
      withTimeout(
        new Promise((resolve) => {
          const waiter = (stopped) => {
            if (stopped !== name) return;
            stopWaiters.delete(waiter);
            resolve();
          };
          stopWaiters.add(waiter);
        }),
        STOP_TIMEOUT_MS,
        `virtkit: ${name} stopped`,
      ),
    startMany: (guests) =>
      Promise.all(
        guests.map(async (guest) => {
          await define(guest);
          await dom(guest.name).create();
        }),
      ),
    managerRssKiB: () => process.memoryUsage().rss / 1024,
    async remove(names) {
      await Promise.all(
        names.map(async (name) => {
          const domain = dom(name);
          if (await domain.isActive()) await domain.destroy();
          await domain.undefine();
          domains.delete(name);
        }),
      );
    },
    async cleanup() {
      await this.remove([...domains.keys()]).catch(() => {});
      await conn.close().catch(() => {});
      await killLeftoverQemus(join(root, 'run', 'qemu'));
    },
  };
}

/** Runs `virsh -c URI COMMANDS` as a process of its own; resolves when it succeeded. */
async function virshProcess(commands) {
  const { code, stderr } = await runVirsh([commands]);
  if (code !== 0) throw new Error(`virsh ${commands}: ${stderr}`);
}

/** libvirtd 9.0 through one interactive virsh, its events through `virsh event --loop`. */
export async function libvirtSide(dir) {
  const session = new VirshSession();
  const events = new VirshEvents();
  const defined = new Set();
  let ready = false;
  const xmlFile = async (guest) => {
    const file = join(dir, `${guest.name}.xml`);
    await writeFile(file, guest.xml);
    return file;
  };
  return {
    label: 'libvirt',
    manager: 'libvirtd',
    async define(guest) {
      // The first define also proves the event watcher is listening before anything is timed.
      if (!ready) await sleep(300);
      const seen = events.next(guest.name, 'Defined');
      defined.add(guest.name);
      await session.run(`define ${await xmlFile(guest)}`);
      if (!ready) await withTimeout(seen, 5000, "libvirt's event watcher (virsh event --loop)");
      ready = true;
    },
    start: (name) => session.run(`start ${name}`),
    reboot: (name) => session.run(`reboot --mode acpi ${name}`),
    shutdown: (name) => session.run(`shutdown --mode acpi ${name}`),
    nextStop: (name) =>
      withTimeout(events.next(name, 'Stopped'), STOP_TIMEOUT_MS, `libvirt: ${name} stopped`),
    // One virsh per guest, all at once: libvirtd gets the 30 starts concurrently, as virtkit does.
    startMany: (guests) =>
      Promise.all(
        guests.map(async (guest) => {
          defined.add(guest.name);
          await virshProcess(`define ${await xmlFile(guest)}; start ${guest.name}`);
        }),
      ),
    managerRssKiB: libvirtdRssKiB,
    async remove(names) {
      await Promise.all(names.map((name) => virshProcess(`destroy ${name}; undefine ${name}`)));
    },
    async cleanup() {
      session.close();
      events.close();
      // Each name the bench defined, removed or not: forceRemove also deletes libvirtd's log.
      await Promise.all([...defined].map(forceRemove));
    },
  };
}
