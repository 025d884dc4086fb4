// The two LXC managers the bench drives the same way: virtkit embedded in this process
// (lxc:///embed?root=DIR), and libvirt 9.0's LXC driver (the private libvirtd of
// test/support/libvirt-lxc-daemon.mjs) through one interactive virsh.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openConnection } from '@virtkit/core';
import { driver } from '../dist/index.js';
import { findControllers, killLeftoverControllers, lxcDomainXml } from '../dist/testing/index.js';
import { ORACLE_URI, oraclePaths, virsh } from '../test/support/libvirt-lxc-daemon.mjs';

/** VmRSS of `pid` in KiB (NaN when it is gone). */
export function rssKiB(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return Number.NaN;
  }
}

/** The summed RSS of every process whose command line contains `needle` (the controllers). */
function rssOfProcesses(needle) {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) total += rssKiB(entry) || 0;
    } catch {}
  }
  return total;
}

export async function virtkitSide(root, rootfs) {
  const conn = await openConnection(`lxc:///embed?root=${root}`, { drivers: [driver] });
  const domains = new Map();
  const define = async (name) => {
    domains.set(name, await conn.defineXml(lxcDomainXml({ name, rootfs })));
  };
  return {
    label: 'virtkit',
    manager: 'virtkit manager (this process)',
    define,
    start: (name) => domains.get(name).create(),
    destroy: (name) => domains.get(name).destroy(),
    startMany: (names) =>
      Promise.all(
        names.map(async (name) => {
          await define(name);
          await domains.get(name).create();
        }),
      ),
    managerRssKiB: () => process.memoryUsage().rss / 1024,
    controllersRssKiB: async () => {
      let total = 0;
      for (const { pid } of await findControllers(root)) total += rssKiB(pid) || 0;
      return total;
    },
    async remove(names) {
      await Promise.allSettled(
        names.map(async (name) => {
          const domain = domains.get(name);
          if (!domain) return;
          if (await domain.isActive()) await domain.destroy();
          await domain.undefine();
          domains.delete(name);
        }),
      );
    },
    async cleanup() {
      await this.remove([...domains.keys()]).catch((error) => console.error(error));
      await conn.close().catch(() => {});
      await killLeftoverControllers(root);
    },
  };
}

/** One interactive `virsh` on the oracle, so no command pays for starting a virsh. */
class VirshSession {
  #child;
  #waiting = new Map();
  #stderr = '';
  #next = 1;

  constructor() {
    this.#child = spawn('stdbuf', ['-oL', 'virsh', '-q', '-c', ORACLE_URI], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stderr.setEncoding('utf8').on('data', (text) => {
      this.#stderr += text;
    });
    let output = '';
    this.#child.stdout.setEncoding('utf8').on('data', (text) => {
      output += text;
      for (const [marker, done] of this.#waiting) {
        const at = output.indexOf(marker);
        if (at < 0) continue;
        output = output.slice(at + marker.length);
        done();
      }
    });
  }

  /** Issues `command`; an `echo` of a marker after it tells when virsh has finished it. */
  run(command) {
    const marker = `__vkbench_${this.#next++}__`;
    const errorsBefore = this.#stderr.length;
    return new Promise((resolve, reject) => {
      this.#waiting.set(marker, () => {
        this.#waiting.delete(marker);
        const errors = this.#stderr.slice(errorsBefore).trim();
        if (errors.includes('error:')) reject(new Error(`virsh ${command}: ${errors}`));
        else resolve();
      });
      this.#child.stdin.write(`${command}\necho ${marker}\n`);
    });
  }

  close() {
    this.#child.stdin.end('quit\n');
  }
}

export async function libvirtSide(dir, rootfs, libvirtdPid) {
  const session = new VirshSession();
  const defined = new Set();
  const xmlFile = async (name) => {
    const file = join(dir, `${name}.xml`);
    await writeFile(file, lxcDomainXml({ name, rootfs }));
    return file;
  };
  const must = async (args) => {
    const result = await virsh(args);
    if (!result.ok) throw new Error(`virsh ${args.join(' ')}: ${result.stderr}`);
  };
  return {
    label: 'libvirt',
    manager: 'libvirtd (private, LXC only)',
    async define(name) {
      defined.add(name);
      await session.run(`define ${await xmlFile(name)}`);
    },
    start: (name) => session.run(`start ${name}`),
    destroy: (name) => session.run(`destroy ${name}`),
    // One virsh per container, all at once: libvirtd gets the starts concurrently, as virtkit does.
    startMany: (names) =>
      Promise.all(
        names.map(async (name) => {
          defined.add(name);
          const file = await xmlFile(name);
          await must(['define', file]);
          await must(['start', name]);
        }),
      ),
    managerRssKiB: () => rssKiB(libvirtdPid),
    controllersRssKiB: async () => rssOfProcesses('libvirt_lxc'),
    async remove(names) {
      await Promise.all(
        names.map(async (name) => {
          await virsh(['destroy', name]);
          await virsh(['undefine', name]);
          defined.delete(name);
        }),
      );
    },
    async cleanup() {
      session.close();
      await this.remove([...defined]);
    },
    logDir: oraclePaths.containerLogDir,
  };
}
