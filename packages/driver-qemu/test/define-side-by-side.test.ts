import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { useQemuFixture } from './qemu-fixture.js';

/** libvirtd 9.0 runs on this machine; the cases are defined there too and compared. */
const VIRSH = ['-c', 'qemu:///system'];

function virsh(...args: string[]): string {
  return execFileSync('virsh', [...VIRSH, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** What libvirt's `define` + `dumpxml --inactive` shows for `xml`; the domain is undefined again. */
async function libvirtDefine(dir: string, name: string, xml: string): Promise<string> {
  const file = join(dir, `${name}.xml`);
  await writeFile(file, xml);
  virsh('define', file);
  try {
    return virsh('dumpxml', '--inactive', name);
  } finally {
    virsh('undefine', name);
  }
}

const ITCO = "    <watchdog model='itco' action='reset'/>\n";

const UUID = 'c7a5fdbd-edaf-9455-926a-d65c16db1809';

const CASES: Record<string, (name: string) => string> = {
  'i440fx with IDE, virtio, USB tablet and VNC': (name) => `<domain type='kvm'>
  <name>${name}</name><uuid>${UUID}</uuid>
  <memory>65536</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'><source file='/var/lib/x2x-none.img'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><source file='/var/lib/x2x-none.iso'/><target dev='hdc' bus='ide'/></disk>
    <interface type='user'><mac address='52:54:00:11:22:33'/></interface>
    <serial type='pty'/>
    <graphics type='vnc'/>
    <input type='tablet' bus='usb'/>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
  </devices>
</domain>`,
  'q35 with root ports for every PCIe device': (name) => `<domain type='kvm'>
  <name>${name}</name><uuid>${UUID}</uuid>
  <memory>65536</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'><source file='/var/lib/x2x-none.img'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><source file='/var/lib/x2x-none.iso'/><target dev='sda' bus='sata'/></disk>
    <interface type='user'><mac address='52:54:00:11:22:33'/><model type='virtio'/></interface>
    <input type='tablet' bus='usb'/>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
  </devices>
</domain>`,
};

// libvirtd 9.0 runs beside the tests (scripts/setup.sh starts it): it is the ground truth here.
describe('define shows what libvirt 9.0 shows after define', () => {
  const fixture = useQemuFixture();
  for (const [label, xmlFor] of Object.entries(CASES)) {
    test(label, async () => {
      const name = `vk-x2x-${process.pid}`;
      const want = await libvirtDefine(await fixture.prepare(), name, xmlFor(name));
      const conn = await fixture.open();
      const dom = await conn.defineXml(xmlFor(name));
      // virsh ends its output with a blank line. libvirt 9.0 predates Q35's implicit iTCO
      // watchdog, which virtkit adds as the 9.6 corpus has it.
      const got = (await dom.getXmlDesc({ inactive: true })).replace(ITCO, '');
      expect(`${got}\n`).toBe(want);
    }, 60_000);
  }
});
