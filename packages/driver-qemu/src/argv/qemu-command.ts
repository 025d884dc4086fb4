import type { DeviceDef, DomainDef, InterfaceDef } from '@virtkit/core';
import type { QemuCaps, QemuMachine } from '../caps/index.js';
import type { FirmwareDescriptor } from './firmware-select.js';

/** A QEMU process to start: extra environment and argv (argv[0] is the binary). */
export interface QemuCommand {
  env: [string, string][];
  argv: string[];
}

/** Host-side facts the command line depends on but the domain XML does not carry. */
export interface ArgvHostContext {
  /** Domain id; -1 for a domain that never ran (libvirt's tests use it). */
  id: number;
  /** Per-domain state root, e.g. /var/lib/libvirt/qemu. */
  libDir: string;
  /** fd the monitor socket is passed on. */
  monitorFd: number;
  /**
   * QEMU creates and listens on this socket itself instead of inheriting `monitorFd`: for a
   * launcher that cannot pass fds yet. Provisional: libvirt always hands over the fd.
   */
  monitorPath?: string;
  /** Whether a block device is a CD-ROM drive (QEMU then needs `host_cdrom`). */
  isHostCdrom: (path: string) => boolean;
  /** The host's DRM render node, for OpenGL without an explicit one. */
  defaultRenderNode: () => string;
  config: QemuDriverConfig;
  /** Firmware descriptors for `<os firmware=…>`, in lookup order (masked ones already dropped). */
  firmware: FirmwareDescriptor[];
  /** hugetlbfs mounts by page size; the default one backs `<hugepages/>` naming no size. */
  hugetlbfs: { sizeKiB: number; mount: string; isDefault?: boolean }[];
  /** Where file-backed guest RAM lives (qemu.conf memory_backing_dir). */
  memoryBackingDir: string;
  /** The host's NUMA nodes, which `<numatune>` may bind guest memory to. */
  hostNumaNodes: number[];
  /** TPM versions the host's swtpm supports; absent when unknown (not checked). */
  swtpmVersions?: string[];
  /** How QEMU reaches the host tap behind an interface of a tap type (bridge, network, …). */
  tapBackend: (net: InterfaceDef) => TapBackend;
}

/**
 * A tap as -netdev names it: fds already open (libvirt creates the tap and passes them), or an
 * interface name QEMU opens itself (virtkit's launcher: Node cannot pass TUNSETIFF'd fds).
 */
export type TapBackend = { fds: string[]; vhostFds: string[] } | { ifname: string };

/** The qemu.conf settings the command line depends on. */
export interface QemuDriverConfig {
  spiceTls: boolean;
  spiceTlsX509CertDir: string;
  spiceSasl: boolean;
  spiceSaslDir: string;
  /** Graphics with a plain address listen and no address get a UNIX socket instead. */
  spiceAutoUnixSocket: boolean;
  vncAutoUnixSocket: boolean;
  vncTls: boolean;
  vncTlsX509CertDir: string;
  vncTlsX509Verify: boolean;
  vncSasl: boolean;
  vncSaslDir: string;
}

/** What every area builder reads: the definition, its capabilities and derived facts. */
export interface ArgvContext {
  def: DomainDef;
  caps: QemuCaps;
  host: ArgvHostContext;
  /** Directory private to this domain run: `<libDir>/domain-<id>-<name>`. */
  domainDir: string;
  machineName: string;
  /** The capabilities entry of the machine type (absent for unknown types). */
  machine?: QemuMachine;
  /** PCI addresses libvirt would assign, by device. */
  pciAddress: Map<DeviceDef, PciAddress>;
  /** USB root hub ports, by device. */
  usbPort: Map<DeviceDef, { bus: string; port: string }>;
}

export interface PciAddress {
  /** The bus's alias: `pci.0`, `pcie.0`, `pci.N` for the bus behind controller N. */
  bus: string;
  slot: number;
  function: number;
  multifunction?: boolean;
}

/** The `bus`/`addr` pair of a PCI device's -device JSON. */
export function pciDeviceProps(addr: PciAddress | undefined): {
  bus?: string;
  multifunction?: boolean;
  addr?: string;
} {
  if (!addr) return {};
  const slot = `0x${addr.slot.toString(16)}`;
  return {
    bus: addr.bus,
    multifunction: addr.multifunction,
    addr: addr.function === 0 ? slot : `${slot}.0x${addr.function.toString(16)}`,
  };
}
