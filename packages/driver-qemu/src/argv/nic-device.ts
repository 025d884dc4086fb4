import { childElement, type InterfaceDef } from '@virtkit/core';
import { interfaceChild, interfaceQueues, isVirtioNic, nicModel } from './interface-driver.js';
import type { OptionProps } from './option-syntax.js';
import type { PciAddress } from './qemu-command.js';
import { pciDeviceProps } from './qemu-command.js';
import { driverAttrs, virtioOptionProps } from './virtio-options.js';

/** virtio NIC models and the PCI device each one is. */
const VIRTIO_DEVICES: Record<string, string> = {
  virtio: 'virtio-net-pci',
  'virtio-transitional': 'virtio-net-pci-transitional',
  'virtio-non-transitional': 'virtio-net-pci-non-transitional',
};

const TX_MODES: Record<string, string> = { iothread: 'bh', timer: 'timer' };

/** `<driver>` switches and `<host>`/`<guest>` offloads, with their property names, in QEMU's order. */
const DRIVER_SWITCHES: [string, string][] = [
  ['ioeventfd', 'ioeventfd'],
  ['event_idx', 'event_idx'],
];
const HOST_OFFLOADS: [string, string][] = [
  ['csum', 'csum'],
  ['gso', 'gso'],
  ['tso4', 'host_tso4'],
  ['tso6', 'host_tso6'],
  ['ecn', 'host_ecn'],
  ['ufo', 'host_ufo'],
  ['mrg_rxbuf', 'mrg_rxbuf'],
];
const GUEST_OFFLOADS: [string, string][] = [
  ['csum', 'guest_csum'],
  ['tso4', 'guest_tso4'],
  ['tso6', 'guest_tso6'],
  ['ecn', 'guest_ecn'],
  ['ufo', 'guest_ufo'],
];

function switches(attrs: Record<string, string> | undefined, table: [string, string][]): OptionProps {
  const out: OptionProps = {};
  for (const [xml, qemu] of table) {
    const value = attrs?.[xml];
    if (value !== undefined) out[qemu] = value === 'on';
  }
  return out;
}

const onOff = (value: string | undefined) => (value === undefined ? undefined : value === 'on');
const positive = (value: string | undefined) => (Number(value) > 0 ? Number(value) : undefined);

/** virtio-net's own properties (qemuBuildNicDevProps), after the transport's. */
function virtioNetProps(net: InterfaceDef): OptionProps {
  const attrs = driverAttrs(net);
  const driver = interfaceChild(net, 'driver');
  const offloads = (name: string) => childElement(driver, name)?.attrs;
  const queues = interfaceQueues(net);
  // Multiqueue needs MSI-X vectors for every rx/tx pair plus config and control (2N+2);
  // vhost-user negotiates them with its backend.
  const multiqueue = queues > 1;
  return {
    tx: attrs.txmode === undefined ? undefined : TX_MODES[attrs.txmode],
    ...switches(attrs, DRIVER_SWITCHES),
    ...switches(offloads('host'), HOST_OFFLOADS),
    ...switches(offloads('guest'), GUEST_OFFLOADS),
    mq: multiqueue ? true : undefined,
    vectors: multiqueue && net.type !== 'vhostuser' ? 2 * queues + 2 : undefined,
    rx_queue_size: positive(attrs.rx_queue_size),
    tx_queue_size: positive(attrs.tx_queue_size),
    rss: onOff(attrs.rss),
    hash: onOff(attrs.rss_hash_report),
    host_mtu: positive(interfaceChild(net, 'mtu')?.attrs.size),
    failover: interfaceChild(net, 'teaming')?.attrs.type === 'persistent' ? true : undefined,
  };
}

/** `<rom bar file enabled>` as `rombar`/`romfile` (an disabled ROM is an empty romfile). */
function romProps(net: InterfaceDef): OptionProps {
  const rom = interfaceChild(net, 'rom')?.attrs;
  if (!rom) return {};
  const rombar = rom.bar === undefined ? undefined : rom.bar === 'on' ? 1 : 0;
  return { rombar, romfile: rom.enabled === 'no' ? '' : rom.file };
}

/** The guest-visible NIC of an interface, wired to netdev `host<alias>`. */
export function nicDeviceProps(
  net: InterfaceDef,
  alias: string,
  bootindex: number | undefined,
  address: PciAddress | undefined,
): OptionProps {
  const model = nicModel(net);
  const frontend = isVirtioNic(net)
    ? { driver: VIRTIO_DEVICES[model], ...virtioOptionProps(net), ...virtioNetProps(net) }
    : { driver: model };
  return {
    ...frontend,
    netdev: `host${alias}`,
    id: alias,
    mac: net.mac,
    bootindex,
    ...pciDeviceProps(address),
    ...romProps(net),
  };
}
