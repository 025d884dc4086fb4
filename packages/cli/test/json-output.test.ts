import { describe, expect, it } from 'vitest';
import { onDefault } from './run-cli.js';

async function json(command: string): Promise<unknown> {
  const { code, stdout, stderr } = await onDefault(command);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout);
}

describe('--json', () => {
  it('lists domains with stable keys', async () => {
    expect(await json('list --all --json')).toEqual({
      domains: [
        {
          id: 1,
          name: 'test',
          uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f',
          state: 'running',
          reason: expect.any(String),
        },
      ],
    });
  });

  it('gives a shut-off domain a null id', async () => {
    const { stdout } = await onDefault('destroy test; domid test --json', '-q');
    expect(JSON.parse(stdout)).toEqual({ id: null });
  });

  it('describes a domain, its state and devices', async () => {
    expect(await json('dominfo test --json')).toMatchObject({
      id: 1,
      name: 'test',
      osType: 'linux',
      state: 'running',
      cpus: 2,
      maxMemoryKiB: 8388608,
      usedMemoryKiB: 2097152,
      persistent: true,
      autostart: false,
      managedSave: false,
      securityLabel: { label: 'libvirt-test', enforcing: true },
    });
    expect(await json('domstate test --json')).toMatchObject({ state: 'running' });
    expect(await json('domblklist test --json')).toEqual({
      disks: [{ type: 'file', device: 'disk', target: 'vda', source: '/guest/diskimage1' }],
    });
    expect(await json('domiflist test --json')).toEqual({
      interfaces: [
        { target: 'testnet0', type: 'network', source: 'default', model: null, mac: 'aa:bb:cc:dd:ee:ff' },
      ],
    });
    expect(await json('vcpucount test --maximum --json')).toEqual({ count: 2 });
  });

  it('reports host facts', async () => {
    expect(await json('nodeinfo --json')).toEqual({
      cpuModel: 'i686',
      cpus: 16,
      mhz: 1400,
      sockets: 2,
      coresPerSocket: 2,
      threadsPerCore: 2,
      numaCells: 2,
      memoryKiB: 3145728,
    });
    expect(await json('uri --json')).toEqual({ uri: 'test:///default' });
    expect(await json('version --json')).toEqual({
      library: '0.1.0',
      api: { type: 'TEST', version: '0.1.0' },
      hypervisor: { type: 'TEST', version: '0.0.2' },
    });
  });

  it('keeps virsh’s error text on stderr', async () => {
    expect(await onDefault('dominfo nosuch --json')).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: failed to get domain 'nosuch'\n",
    });
  });
});
