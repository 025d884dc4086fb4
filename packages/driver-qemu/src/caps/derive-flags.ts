/**
 * libvirt's capability flags (the `<flag name=…>` of its QEMU caps cache) derived from what a
 * probe asked QEMU: its QOM types, its QMP commands, and its version for the flags libvirt reads
 * from `query-qmp-schema` or `device-list-properties`, which the probe does not walk.
 */

/** What the probe learnt that the flags are derived from. */
export interface FlagProbe {
  /** libvirt's version number: major * 1000000 + minor * 1000 + micro. */
  version: number;
  types: ReadonlySet<string>;
  commands: ReadonlySet<string>;
  /** KVM can run guests here (present and the device usable). */
  kvm: boolean;
}

/** Flags named like the QOM type whose existence they record. */
const SAME_NAME_TYPES = [
  'hda-duplex',
  'piix3-usb-uhci',
  'piix4-usb-uhci',
  'usb-ehci',
  'ich9-usb-ehci1',
  'pci-ohci',
  'usb-redir',
  'usb-hub',
  'ich9-ahci',
  'scsi-block',
  'hda-micro',
  'nec-usb-xhci',
  'virtio-scsi-pci',
  'qxl',
  'VGA',
  'cirrus-vga',
  'vmware-svga',
  'usb-serial',
  'rng-random',
  'rng-egd',
  'megasas',
  'tpm-passthrough',
  'tpm-tis',
  'pci-bridge',
  'vfio-pci',
  'usb-storage',
  'virtio-mmio',
  'ich9-intel-hda',
  'pvpanic',
  'usb-kbd',
  'usb-audio',
  'pc-dimm',
  'pci-serial',
  'gpex-pcihost',
  'ioh3420',
  'x3130-upstream',
  'xio3130-downstream',
  'rtl8139',
  'e1000',
  'mptsas1068',
  'pxb',
  'pxb-pcie',
  'intel-iommu',
  'virtio-vga',
  'ivshmem-plain',
  'ivshmem-doorbell',
  'vhost-scsi',
  'nvdimm',
  'pcie-root-port',
  'qemu-xhci',
  'vmcoreinfo',
  'isa-serial',
  'pcie-pci-bridge',
  'tpm-crb',
  'pr-manager-helper',
  'hda-output',
  'vmgenid',
  'tpm-emulator',
  'mch',
  'bochs-display',
  'dbus-vmstate',
  'vhost-user-gpu',
  'vhost-user-vga',
  'ramfb',
  'i8042',
  'rng-builtin',
  'pvscsi',
  'dc390',
  'am53c974',
  'virtio-pmem-pci',
  'vhost-user-blk',
  'input-linux',
  'virtio-gpu-gl-pci',
  'virtio-vga-gl',
  'virtio-mem-pci',
  'virtio-iommu-pci',
  'pvpanic-pci',
  'cryptodev-backend-lkcf',
  'memory-backend-memfd',
  'thread-context',
] as const;

/** Flags whose QOM type has another name. */
const RENAMED_TYPES: Readonly<Record<string, string>> = {
  'ccid-emulated': 'ccid-card-emulated',
  'ccid-passthru': 'ccid-card-passthru',
  lsi: 'lsi53c895a',
  'virtio-rng': 'virtio-rng-pci',
  'dmi-to-pci-bridge': 'i82801b11-bridge',
  'virtio-net': 'virtio-net-pci',
  'virtio-gpu': 'virtio-gpu-pci',
  'virtio-keyboard': 'virtio-keyboard-device',
  'virtio-mouse': 'virtio-mouse-device',
  'virtio-tablet': 'virtio-tablet-device',
  'virtio-input-host': 'virtio-input-host-device',
  'vhost-vsock': 'vhost-vsock-device',
  'drive-nvme': 'nvme',
  'vhost-user-fs': 'vhost-user-fs-device',
  'virtio-crypto': 'virtio-crypto-device',
  tcg: 'tcg-accel',
  // libvirt asks the x86_64 host CPU type for `migratable`, so an i386 QEMU never has the flag.
  'cpu.migratable': 'host-x86_64-cpu',
};

/** Flags named like the QMP command whose existence they record. */
const COMMANDS = [
  'query-hotpluggable-cpus',
  'query-cpu-model-expansion',
  'query-cpu-definitions',
  'blockdev-reopen',
  'block-export-add',
  'query-dirty-rate',
  'calc-dirty-rate',
  'set-action',
  'query-stats',
  'query-stats-schemas',
  'sev-inject-launch-secret',
] as const;

/** Flags whose feature is reported by a QMP command of another name. */
const RENAMED_COMMANDS: Readonly<Record<string, string>> = {
  vnc: 'query-vnc',
  spice: 'query-spice',
};

const v = (major: number, minor: number): number => major * 1_000_000 + minor * 1_000;

/**
 * Schema and property flags by the QEMU release that brought them. libvirt 9.0 needs QEMU ≥ 4.2,
 * so what older releases added is present on every QEMU it (and virtkit) runs.
 */
const SINCE: readonly (readonly [number, readonly string[]])[] = [
  [
    v(4, 2),
    [
      'sdl',
      'virtio-blk-pci.scsi',
      'scsi-disk.channel',
      'disable-s3',
      'disable-s4',
      'usb-redir.filter',
      'seccomp-sandbox',
      'kvm-pit-lost-tick-policy',
      'rtc-reset-reinjection',
      'migrate-rdma',
      'VGA.vgamem_mb',
      'vmware-svga.vgamem_mb',
      'qxl.vgamem_mb',
      'machine-vmport-opt',
      'ich9-disable-s3',
      'ich9-disable-s4',
      'virtio-balloon-pci.deflate-on-oom',
      'spice-gl',
      'qxl.vram64_size_mb',
      'spice-rendernode',
      'cpu-cache',
      'intel-iommu.intremap',
      'intel-iommu.caching-mode',
      'intel-iommu.eim',
      'intel-iommu.device-iotlb',
      'chardev-reconnect',
      'nbd-tls',
      'screendump_device',
      'mch.extended-tseg-mbytes',
      'egl-headless',
      'vfio-pci.display',
      'memory-backend-memfd.hugetlb',
      'egl-headless.rendernode',
      'memory-backend-file.pmem',
      'nvdimm.unarmed',
      'virtio-pci-non-transitional',
      'nbd-bitmap',
      'cpu-unavailable-features',
      'canonical-cpu-features',
      'migration-file-drop-cache',
      'incremental-backup',
      'smp-dies',
      'query-named-block-nodes.flat',
      'blockdev-snapshot.allow-write-only-overlay',
      'fsdev.multidevs',
      'intel-iommu.aw-bits',
      'virtio-blk-pci.scsi.default.disabled',
    ],
  ],
  [
    v(5, 0),
    [
      'pcie-root-port.hotplug',
      'aio.io_uring',
      'numa.hmat',
      'virtio-blk.queue-size',
      'memory-backend-file.x-use-canonical-path-for-ramblock-id',
    ],
  ],
  [v(5, 1), ['virtio-balloon.free-page-reporting', 'netdev.vhost-vdpa', 'rotation-rate']],
  [v(5, 2), ['vhost-user-fs.bootindex', 'migration-param.block-bitmap-mapping']],
  [
    v(6, 0),
    [
      'usb-host.hostdevice',
      'cpu-max',
      'vnc-power-control',
      'object.qapified',
      'compat-deprecated',
      'acpi-index',
      'confidential-guest-support',
      'migration.blocked-reasons',
      'virtio-net.rss',
    ],
  ],
  [
    v(6, 1),
    [
      'memory-backend-file.reserve',
      'piix4.acpi-root-pci-hotplug',
      'rbd-encryption',
      'chardev.qemu-vdagent',
      'virtio-gpu.blob',
    ],
  ],
  [v(6, 2), ['sev-guest-kernel-hashes', 'dirtyrate-param.mode']],
  [
    v(7, 0),
    [
      'netdev.json',
      'device.json+hotplug',
      'virtio-mem-pci.prealloc',
      'blockdev.nbd.tls-hostname',
      'virtio-iommu.boot-bypass',
      'display-dbus',
    ],
  ],
  [
    v(7, 1),
    [
      'memory-backend-file.prealloc-threads',
      'iothread.thread-pool-max',
      'usb-host.guest-resets-all',
      'screenshot-format-png',
    ],
  ],
  [v(7, 2), ['netdev.stream']],
  [
    v(8, 1),
    [
      'machine-hpet',
      'netdev.stream.reconnect',
      'rbd-encryption-layering',
      'rbd-encryption-luks-any',
      'qcow2-discard-no-unref',
      'run-with.async-teardown',
    ],
  ],
];

/** The flags of one probed QEMU, in libvirt's names. */
export function deriveQemuFlags(probe: FlagProbe): Set<string> {
  const flags = new Set<string>();
  const byType: [string, string][] = [
    ...SAME_NAME_TYPES.map((name): [string, string] => [name, name]),
    ...Object.entries(RENAMED_TYPES),
  ];
  for (const [flag, type] of byType) if (probe.types.has(type)) flags.add(flag);
  const byCommand: [string, string][] = [
    ...COMMANDS.map((name): [string, string] => [name, name]),
    ...Object.entries(RENAMED_COMMANDS),
  ];
  for (const [flag, command] of byCommand) if (probe.commands.has(command)) flags.add(flag);
  for (const [since, names] of SINCE) if (probe.version >= since) for (const name of names) flags.add(name);
  if (probe.types.has('max-x86_64-cpu') || probe.types.has('max-i386-cpu')) flags.add('x86-max-cpu');
  if (probe.kvm) flags.add('kvm');
  return flags;
}
