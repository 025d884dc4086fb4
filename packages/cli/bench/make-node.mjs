#!/usr/bin/env node
// Prints a node file in libvirt's test-driver format with N small domains:
//   node bench/make-node.mjs 1000 > node1000.xml; virtkit -c test://$PWD/node1000.xml list --all
// Every domain has a fixed UUID, a disk and an interface; the test driver starts domains
// unless <test:runstate> says otherwise, so a mix of running, paused and shut-off ones is kept.
import { pathToFileURL } from 'node:url';

const TEST_NS = 'http://libvirt.org/schemas/domain/test/1.0';
// libvirt's virDomainState numbers, which <test:runstate> holds.
const RUNSTATE = { running: 1, paused: 3, shutoff: 5 };

/** The state of the i-th domain: mostly running, every 5th shut off, every 7th paused. */
function stateOf(i) {
  if (i % 5 === 0) return 'shutoff';
  if (i % 7 === 0) return 'paused';
  return 'running';
}

function hex(value, width) {
  return value.toString(16).padStart(width, '0');
}

function domainXml(i) {
  const name = `vm${String(i).padStart(4, '0')}`;
  const state = stateOf(i);
  const runstate = state === 'running' ? '' : `\n    <test:runstate>${RUNSTATE[state]}</test:runstate>`;
  return `  <domain type='test' xmlns:test='${TEST_NS}'>
    <name>${name}</name>
    <uuid>6695eb01-f6a4-8304-79aa-${hex(i, 12)}</uuid>
    <memory unit='KiB'>${262144 * (1 + (i % 4))}</memory>
    <currentMemory unit='KiB'>262144</currentMemory>
    <vcpu placement='static'>${1 + (i % 4)}</vcpu>
    <os>
      <type arch='x86_64'>hvm</type>
      <boot dev='hd'/>
    </os>
    <on_poweroff>destroy</on_poweroff>
    <on_reboot>restart</on_reboot>
    <on_crash>destroy</on_crash>
    <devices>
      <disk type='file' device='disk'>
        <driver name='qemu' type='qcow2'/>
        <source file='/var/lib/libvirt/images/${name}.qcow2'/>
        <target dev='vda' bus='virtio'/>
      </disk>
      <interface type='network'>
        <mac address='52:54:00:${hex((i >> 16) & 0xff, 2)}:${hex((i >> 8) & 0xff, 2)}:${hex(i & 0xff, 2)}'/>
        <source network='default'/>
        <model type='virtio'/>
      </interface>
    </devices>${runstate}
  </domain>`;
}

/** The whole node file: N domains, the CPU and memory of libvirt's default test node. */
export function makeNode(count) {
  const domains = Array.from({ length: count }, (_, i) => domainXml(i + 1));
  return `<node>
${domains.join('\n')}
  <cpu>
    <mhz>1400</mhz>
    <model>i686</model>
    <active>16</active>
    <nodes>2</nodes>
    <sockets>2</sockets>
    <cores>2</cores>
    <threads>2</threads>
  </cpu>
  <memory>3145728</memory>
</node>
`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2] ?? 1000);
  if (!Number.isInteger(count) || count < 0) {
    console.error('usage: make-node.mjs N > node.xml');
    process.exit(1);
  }
  process.stdout.write(makeNode(count));
}
