import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useQemuFixture } from './qemu-fixture.js';

/** libvirtd 9.0 runs on this machine: each refusal is asked of it too, and the texts compared. */
function libvirtRefusal(xml: string, name: string): Promise<string> {
  return withTempFile(xml, (file) => {
    try {
      execFileSync('virsh', ['-c', 'qemu:///system', 'define', file], { stdio: 'pipe' });
    } catch (err) {
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '');
      return /^error: (?!Failed to define)(.*)$/m.exec(stderr)?.[1] ?? stderr;
    }
    execFileSync('virsh', ['-c', 'qemu:///system', 'undefine', name], { stdio: 'pipe' });
    return 'defined';
  });
}

async function withTempFile<T>(text: string, use: (file: string) => T): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vk-define-validate-'));
  try {
    await writeFile(join(dir, 'domain.xml'), text);
    return use(join(dir, 'domain.xml'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function domainXml(name: string, machine: string, devices: string): string {
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory>65536</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='${machine}'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    ${devices}
  </devices>
</domain>`;
}

const CASES: { what: string; machine: string; devices: string; error: string }[] = [
  {
    what: 'an Intel IOMMU on an i440fx machine',
    machine: 'pc',
    devices: "<iommu model='intel'/>",
    error: "unsupported configuration: IOMMU device: 'intel' is only supported with Q35 machines",
  },
  {
    what: 'a virtio IOMMU on an i440fx machine',
    machine: 'pc',
    devices: "<iommu model='virtio'/>",
    error:
      "unsupported configuration: IOMMU device: 'virtio' is only supported with Q35 and ARM Virt machines",
  },
  {
    what: 'a disk in the iso format',
    machine: 'pc',
    devices:
      "<disk type='file' device='disk'><driver name='qemu' type='iso'/><source file='/var/lib/vk-none.img'/><target dev='vda' bus='virtio'/></disk>",
    error:
      "unsupported configuration: storage format 'iso' is not directly supported by QEMU, use 'raw' instead",
  },
];

describe('defineXml refuses what QEMU cannot run, with libvirt text', () => {
  const fixture = useQemuFixture();

  for (const c of CASES) {
    test(`refuses ${c.what}`, async () => {
      const conn = await fixture.open();
      const name = 'vk-define-validate';
      const xml = domainXml(name, c.machine, c.devices);
      await expect(conn.defineXml(xml)).rejects.toThrow(c.error);
      expect(await conn.listAllDomains()).toEqual([]);
      expect(await libvirtRefusal(xml, name)).toBe(c.error);
    }, 60_000);
  }
});
