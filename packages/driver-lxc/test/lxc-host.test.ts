import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, openConnection } from '@virtkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driver } from '../src/index.js';

/** `virsh -c lxc:///system CMD` against libvirtd 9.0 (started by scripts/setup.sh). */
const virsh = (...args: string[]) =>
  execFileSync('virsh', ['-c', 'lxc:///system', ...args], { encoding: 'utf8' });

describe('the host as the LXC driver reports it, beside libvirt LXC', () => {
  let root: string;
  let conn: Connection;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vkl-host-'));
    conn = await openConnection(`lxc:///embed?root=${root}`, { drivers: [driver], env: process.env });
  });
  afterAll(async () => {
    await conn.close();
    await rm(root, { recursive: true, force: true });
  });

  it('gives the node info virsh nodeinfo prints', async () => {
    const info = await conn.getNodeInfo();
    const fields = Object.fromEntries(
      virsh('nodeinfo')
        .split('\n')
        .filter((line) => line.includes(':'))
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
    );
    expect({
      'CPU model': info.model,
      'CPU(s)': String(info.cpus),
      'CPU frequency': `${info.mhz} MHz`,
      'CPU socket(s)': String(info.sockets),
      'Core(s) per socket': String(info.cores),
      'Thread(s) per core': String(info.threads),
      'NUMA cell(s)': String(info.nodes),
      'Memory size': `${info.memoryKiB} KiB`,
    }).toEqual(fields);
  });

  it('names the hypervisor LXC with the kernel version, as virsh version does', async () => {
    const version = await conn.getVersion();
    const text = `${Math.floor(version / 1e6)}.${Math.floor(version / 1e3) % 1000}.${version % 1000}`;
    expect(virsh('version')).toContain(`Running hypervisor: ${await conn.getType()} ${text}`);
  });
});
