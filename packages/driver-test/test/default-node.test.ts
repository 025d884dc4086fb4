import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { formatState } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { open, useConnections } from './helpers.js';

/** virsh's output for `test:///default`, captured from virsh 9.0: the API's text and virsh's newline. */
function virshOutput(name: string): string {
  return readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
}

describe('test:///default', () => {
  const track = useConnections();
  const conn = async () => track(await open('test:///default'));

  it('has the running domain test, id 1, as libvirt restores it: running (unknown)', async () => {
    const c = await conn();
    const [listing, ...others] = await c.listAllDomains();
    expect(others).toEqual([]);
    expect(listing).toMatchObject({ name: 'test', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 1 });
    const dom = await c.lookupDomainByName('test');
    expect(formatState(await dom.getState(), true)).toBe('running (unknown)');
    expect([await dom.isPersistent(), await dom.getAutostart(), await dom.hasManagedSaveImage()]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it.each([
    ['live', {}, 'default-test-live.xml'],
    ['inactive', { inactive: true }, 'default-test-inactive.xml'],
    ['secure', { secure: true }, 'default-test-secure.xml'],
  ])('formats the %s XML of test as virsh dumpxml shows it', async (_, options, fixture) => {
    const dom = await (await conn()).lookupDomainByName('test');
    expect(`${await dom.getXmlDesc(options)}\n`).toBe(virshOutput(fixture));
  });

  it('answers dominfo, vcpucount and nodeinfo queries as libvirt test driver', async () => {
    const c = await conn();
    const dom = await c.lookupDomainByName('test');
    const info = await dom.getInfo();
    expect(info).toMatchObject({ state: 'running', maxMemKiB: 8388608, memoryKiB: 2097152, nrVirtCpu: 2 });
    expect(info.cpuTimeNs).toBeGreaterThan(0n);
    expect(await dom.getOsType()).toBe('linux');
    expect(await dom.getSecurityLabel()).toEqual({ label: 'libvirt-test', enforcing: true });
    const counts = await Promise.all(
      [{ maximum: true, config: true }, { maximum: true, live: true }, { config: true }, { live: true }].map(
        (o) => dom.getVcpusFlags(o),
      ),
    );
    expect(counts).toEqual([2, 2, 2, 2]);
    // virsh nodeinfo: i686, 16 CPUs at 1400 MHz, 2 sockets × 2 cores × 2 threads, 2 cells, 3 GiB.
    const { model, cpus, mhz, sockets, cores, threads, nodes, memoryKiB } = await c.getNodeInfo();
    expect([model, cpus, mhz, sockets, cores, threads, nodes, memoryKiB]).toEqual([
      'i686',
      16,
      1400,
      2,
      2,
      2,
      2,
      3145728,
    ]);
  });

  it('reports the TEST hypervisor 0.0.2, virtkit 0.1.0, the real hostname and testSecurity', async () => {
    const c = await conn();
    expect(await c.getType()).toBe('TEST');
    expect(await c.getVersion()).toBe(2);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const [major, minor, release] = version.split('.').map(Number);
    expect(await c.getLibVersion()).toBe(major * 1_000_000 + minor * 1_000 + release);
    expect(await c.getHostname()).toBe(hostname());
    expect(await c.getSecurityModel()).toEqual({ model: 'testSecurity', doi: '' });
    expect(await c.getMaxVcpus()).toBe(32);
  });

  it('gives the capabilities document virsh capabilities shows', async () => {
    expect(`${await (await conn()).getCapabilities()}\n\n`).toBe(virshOutput('default-capabilities.xml'));
  });
});
