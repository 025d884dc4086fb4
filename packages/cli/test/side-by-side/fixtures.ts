import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeNode } from '../../bench/make-node.mjs';

const TEST_NS = 'http://libvirt.org/schemas/domain/test/1.0';

/** A small domain with a fixed UUID (a generated one would differ between the tools). */
function domainXml(name: string, uuid: string): string {
  return `<domain type='test'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>262144</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os>
    <type arch='i686'>hvm</type>
    <boot dev='hd'/>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/${name}.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:cc'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
`;
}

// A custom node: inline domains in each start state, one domain by file=, a network and a pool.
const CUSTOM_NODE = `<node>
  <domain type='test' xmlns:test='${TEST_NS}'>
    <name>web</name>
    <uuid>11111111-2222-3333-4444-000000000001</uuid>
    <memory unit='KiB'>1048576</memory>
    <vcpu>2</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <devices>
      <disk type='file' device='disk'><source file='/srv/web.qcow2'/><target dev='vda' bus='virtio'/></disk>
      <interface type='bridge'><mac address='52:54:00:00:00:01'/><source bridge='br0'/><model type='e1000'/></interface>
    </devices>
  </domain>
  <domain type='test' xmlns:test='${TEST_NS}'>
    <name>db</name>
    <uuid>11111111-2222-3333-4444-000000000002</uuid>
    <memory unit='KiB'>2097152</memory>
    <vcpu>4</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <test:runstate>3</test:runstate>
  </domain>
  <domain type='test' xmlns:test='${TEST_NS}'>
    <name>backup</name>
    <uuid>11111111-2222-3333-4444-000000000003</uuid>
    <memory unit='KiB'>524288</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
  <domain file='from-file.xml'/>
  <network>
    <name>default</name>
    <bridge name='virbr0'/>
    <forward/>
    <ip address='192.168.122.1' netmask='255.255.255.0'/>
  </network>
  <pool type='dir'>
    <name>default-pool</name>
    <target><path>/default-pool</path></target>
  </pool>
  <cpu>
    <mhz>2400</mhz>
    <model>x86_64</model>
    <active>8</active>
    <nodes>1</nodes>
    <sockets>1</sockets>
    <cores>4</cores>
    <threads>2</threads>
  </cpu>
  <memory>16777216</memory>
</node>
`;

/** The files cases name through `{dir}`: domain XML for define/create, node files for test:///PATH. */
const FILES: Readonly<Record<string, string>> = {
  'domain.xml': domainXml('fixture', '9c6b3b5e-0f3a-4b7e-8a55-1f2d3c4b5a69'),
  'transient.xml': domainXml('ephemeral', '9c6b3b5e-0f3a-4b7e-8a55-1f2d3c4b5a70'),
  'renamed-test.xml': domainXml('test', '9c6b3b5e-0f3a-4b7e-8a55-1f2d3c4b5a71'),
  'broken.xml': "<domain type='test'><name>broken</name>\n",
  'no-name.xml': "<domain type='test'><memory>1024</memory></domain>\n",
  'bad-type.xml': "<domain type='bogus'><name>x</name><memory>1024</memory></domain>\n",
  'from-file.xml': domainXml('filed', '11111111-2222-3333-4444-000000000004'),
  'node.xml': CUSTOM_NODE,
  'node12.xml': makeNode(12),
  'node-missing-file.xml': "<node>\n  <domain file='nowhere.xml'/>\n</node>\n",
  'node-broken.xml': '<node><domain>\n',
};

/** A temporary directory holding every fixture; also the cwd and HOME of each run. */
export interface Fixtures {
  dir: string;
  /** `text` (an argument, a variable) with `{dir}` replaced by the fixture directory. */
  resolve(text: string): string;
  remove(): void;
}

export function createFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'virtkit-sbs-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  return {
    dir,
    resolve: (text) => text.replaceAll('{dir}', dir),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
