import { readFileSync } from 'node:fs';
import { parseDomainXml } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { type ArgvHostContext, buildQemuArgv, DEFAULT_HOST_CONTEXT } from '../src/argv/index.js';
import { nodeRanges, parseNodeSet } from '../src/argv/node-set.js';
import { parseQemuCapsXml } from '../src/caps/index.js';

const caps = parseQemuCapsXml(
  readFileSync(
    '/work/shared/libvirt-testdata/qemu-xml2argv/qemucapabilitiesdata/caps_8.1.0_x86_64.xml',
    'utf8',
  ),
);

/** The -netdev and NIC -device values of a guest with `interfaces`. */
function networkOf(interfaces: string, host: ArgvHostContext = DEFAULT_HOST_CONTEXT): string[] {
  const def = parseDomainXml(`<domain type='qemu'><name>n</name><memory>65536</memory>
    <os><type arch='x86_64' machine='pc'>hvm</type></os>
    <devices>${interfaces}<memballoon model='none'/></devices></domain>`);
  const { argv } = buildQemuArgv(def, caps, host);
  return argv.flatMap((arg, i) =>
    (arg === '-netdev' || (arg === '-device' && argv[i + 1]?.includes('"netdev"'))) && argv[i + 1]
      ? [argv[i + 1] as string]
      : [],
  );
}

const mac = "<mac address='52:54:00:00:00:01'/>";

describe('interfaces on the command line (libvirt 9.6, fds as its xml2argv harness passes them)', () => {
  it.each([
    [
      'a bridge with an rtl8139 NIC: one tap fd, no vhost',
      `<interface type='bridge'>${mac}<source bridge='br0'/></interface>`,
      [
        '{"type":"tap","fd":"3","id":"hostnet0"}',
        '{"driver":"rtl8139","netdev":"hostnet0","id":"net0","mac":"52:54:00:00:00:01","bus":"pci.0","addr":"0x2"}',
      ],
    ],
    [
      'a multiqueue virtio network: fds and vhostfds per queue, mq and 2N+2 vectors',
      `<interface type='network'>${mac}<source network='default'/><model type='virtio'/><driver queues='2'/></interface>`,
      [
        '{"type":"tap","fds":"3:4","vhost":true,"vhostfds":"44:45","id":"hostnet0"}',
        '{"driver":"virtio-net-pci","mq":true,"vectors":6,"netdev":"hostnet0","id":"net0","mac":"52:54:00:00:00:01","bus":"pci.0","addr":"0x2"}',
      ],
    ],
    [
      "virtio on ethernet with <driver name='qemu'> (no vhost), tx mode, mtu, sndbuf and ROM",
      `<interface type='ethernet'>${mac}<model type='virtio'/><driver name='qemu' txmode='iothread'/>
        <mtu size='9000'/><tune><sndbuf>1600</sndbuf></tune><rom bar='off' file='/tmp/rom.bin'/></interface>`,
      [
        '{"type":"tap","fd":"3","sndbuf":1600,"id":"hostnet0"}',
        '{"driver":"virtio-net-pci","tx":"bh","host_mtu":9000,"netdev":"hostnet0","id":"net0","mac":"52:54:00:00:00:01","bus":"pci.0","addr":"0x2","rombar":0,"romfile":"/tmp/rom.bin"}',
      ],
    ],
    [
      'socket client and UDP backends',
      `<interface type='client'>${mac}<source address='192.0.2.1' port='5558'/><model type='e1000'/></interface>
       <interface type='udp'><mac address='52:54:00:00:00:02'/><source address='192.0.2.1' port='5559'><local address='0.0.0.0' port='5560'/></source></interface>`,
      [
        '{"type":"socket","connect":"192.0.2.1:5558","id":"hostnet0"}',
        '{"driver":"e1000","netdev":"hostnet0","id":"net0","mac":"52:54:00:00:00:01","bus":"pci.0","addr":"0x2"}',
        '{"type":"socket","udp":"192.0.2.1:5559","localaddr":"0.0.0.0:5560","id":"hostnet1"}',
        '{"driver":"rtl8139","netdev":"hostnet1","id":"net1","mac":"52:54:00:00:00:02","bus":"pci.0","addr":"0x3"}',
      ],
    ],
  ])('%s', (_, xml, expected) => {
    expect(networkOf(xml)).toEqual(expected);
  });

  it('names the tap when the launcher made it: QEMU opens it and runs no scripts', () => {
    const host = { ...DEFAULT_HOST_CONTEXT, tapBackend: () => ({ ifname: 'vnet7' }) };
    const [netdev] = networkOf(`<interface type='bridge'>${mac}<source bridge='br0'/></interface>`, host);
    expect(netdev).toBe('{"type":"tap","ifname":"vnet7","script":"no","downscript":"no","id":"hostnet0"}');
  });

  it("refuses a script on an interface that is not of type 'ethernet'", () => {
    const xml = `<interface type='bridge'>${mac}<source bridge='br0'/><script path='/etc/qemu-ifup'/></interface>`;
    expect(() => networkOf(xml)).toThrow(
      'unsupported configuration: scripts are not supported on interfaces of type bridge',
    );
  });
});

describe('host node sets', () => {
  it.each([
    ['0-3', [0, 1, 2, 3], ['0-3']],
    ['0-2,^1', [0, 2], ['0', '2']],
    ['1-27,29', [...Array.from({ length: 27 }, (_, i) => i + 1), 29], ['1-27', '29']],
  ])('%s', (text, numbers, ranges) => {
    expect(parseNodeSet(text)).toEqual(numbers);
    expect(nodeRanges(numbers)).toEqual(ranges);
  });
});
