import type { XmlElement } from '@virtkit/core';
import { type FirmwareDescriptor, globMatch } from '../argv/firmware-select.js';
import type { QemuAccel, QemuCaps, QemuCpuModel, QemuMachine } from '../caps/index.js';
import { el, enumOf } from './element.js';

/** What one domain capabilities document is about, once defaults are filled in. */
export interface DomainCapsTarget {
  caps: QemuCaps;
  /** libvirt's domain type: `kvm` or `qemu`. */
  virtType: 'kvm' | 'qemu';
  machine: QemuMachine;
  arch: string;
}

/** Host facts the document depends on. */
export interface DomainCapsHost {
  vendor?: string;
  /** VFIO can assign PCI devices (the host has IOMMU groups). */
  vfio: boolean;
  /** swtpm is installed, so an emulated TPM can run. */
  swtpm: boolean;
  /** Firmware descriptors, in libvirt's search order. */
  firmware: readonly FirmwareDescriptor[];
}

const supported = (yes: boolean) => ({ supported: yes ? 'yes' : 'no' });

/** Values whose flag the emulator has, in the order given. */
function offered(caps: QemuCaps, table: readonly (readonly [string, string | true])[]): string[] {
  return table.filter(([, flag]) => flag === true || caps.flags.has(flag)).map(([value]) => value);
}

/** CPU model vendors, as libvirt's CPU map knows them; the generic models have none. */
const MODEL_VENDORS: readonly (readonly [RegExp, string])[] = [
  [/^(phenom|athlon|Opteron_G\d|EPYC)/, 'AMD'],
  [/^Dhyana/, 'Hygon'],
  [
    /^(n270|coreduo|core2duo|Conroe|Penryn|Nehalem|Westmere|SandyBridge|IvyBridge|Haswell|Broadwell|Skylake|Cascadelake|Cooperlake|Icelake|Snowridge|KnightsMill|Denverton|SapphireRapids|GraniteRapids)/,
    'Intel',
  ],
];

const vendorOf = (model: string) => MODEL_VENDORS.find(([re]) => re.test(model))?.[1] ?? 'unknown';

/** Named models only: libvirt offers neither QEMU's versioned aliases nor its special models. */
function customModels(caps: QemuCaps, accel: QemuAccel): QemuCpuModel[] {
  return caps.cpuModels.filter(
    (m) => m.accel === accel && !['max', 'host', 'base'].includes(m.name) && !/-v\d+$/.test(m.name),
  );
}

function cpuXml(target: DomainCapsTarget, host: DomainCapsHost): XmlElement {
  const { caps, virtType, machine } = target;
  const kvm = virtType === 'kvm';
  const hostModel = machine.defaultCpuType?.replace(/-(x86_64|i386)-cpu$/, '');
  return el(
    'cpu',
    {},
    el(
      'mode',
      { name: 'host-passthrough', ...supported(kvm) },
      kvm && enumOf('hostPassthroughMigratable', caps.flags.has('cpu.migratable') ? ['on', 'off'] : ['off']),
    ),
    el('mode', { name: 'maximum', ...supported(true) }, enumOf('maximumMigratable', ['on', 'off'])),
    el(
      'mode',
      { name: 'host-model', ...supported(hostModel !== undefined) },
      hostModel !== undefined && el('model', { fallback: 'forbid' }, hostModel),
      hostModel !== undefined && host.vendor !== undefined && el('vendor', {}, host.vendor),
    ),
    el(
      'mode',
      { name: 'custom', ...supported(true) },
      ...customModels(caps, kvm ? 'kvm' : 'tcg').map((m) =>
        el('model', { usable: m.usable ? 'yes' : 'no', vendor: vendorOf(m.name) }, m.name),
      ),
    ),
  );
}

/** Domain XML firmware names and the descriptor interface each stands for. */
const FIRMWARE_INTERFACES = [
  ['bios', 'bios'],
  ['efi', 'uefi'],
] as const;

function osXml(target: DomainCapsTarget, host: DomainCapsHost): XmlElement {
  const qemuArch = target.arch === 'i686' ? 'i386' : target.arch;
  const matching = host.firmware.filter((d) =>
    d.targets.some(
      (t) => t.architecture === qemuArch && t.machines.some((m) => globMatch(m, target.machine.name)),
    ),
  );
  const firmware = FIRMWARE_INTERFACES.filter(([, type]) =>
    matching.some((d) => d.interfaceTypes.includes(type)),
  ).map(([value]) => value);
  const paths = [...new Set(matching.map((d) => d.executable.filename))];
  const secure = matching.some((d) => d.features.includes('secure-boot'));
  return el(
    'os',
    supported(true),
    enumOf('firmware', firmware),
    el(
      'loader',
      supported(true),
      ...paths.map((path) => el('value', {}, path)),
      enumOf('type', ['rom', 'pflash']),
      enumOf('readonly', ['yes', 'no']),
      enumOf('secure', secure ? ['yes', 'no'] : ['no']),
    ),
  );
}

const VIRTIO_MODELS = [
  ['virtio', true],
  ['virtio-transitional', 'virtio-pci-non-transitional'],
  ['virtio-non-transitional', 'virtio-pci-non-transitional'],
] as const;

function devicesXml(target: DomainCapsTarget, host: DomainCapsHost): XmlElement {
  const { caps, machine } = target;
  const q35 = /q35/.test(machine.name);
  const tpmEmulator = host.swtpm && caps.flags.has('tpm-emulator');
  return el(
    'devices',
    {},
    el(
      'disk',
      supported(true),
      enumOf('diskDevice', ['disk', 'cdrom', 'floppy', 'lun']),
      // q35 has no IDE controller: its disks go on SATA.
      enumOf('bus', [...(q35 ? [] : ['ide']), 'fdc', 'scsi', 'virtio', 'usb', 'sata']),
      enumOf('model', offered(caps, VIRTIO_MODELS)),
    ),
    el(
      'graphics',
      supported(true),
      enumOf(
        'type',
        offered(caps, [
          ['sdl', 'sdl'],
          ['vnc', 'vnc'],
          ['spice', 'spice'],
          ['egl-headless', 'egl-headless'],
          ['dbus', 'display-dbus'],
        ]),
      ),
    ),
    el(
      'video',
      supported(true),
      enumOf(
        'modelType',
        offered(caps, [
          ['vga', 'VGA'],
          ['cirrus', 'cirrus-vga'],
          ['vmvga', 'vmware-svga'],
          ['qxl', 'qxl'],
          ['virtio', 'virtio-gpu'],
          ['none', true],
          ['bochs', 'bochs-display'],
          ['ramfb', 'ramfb'],
        ]),
      ),
    ),
    el(
      'hostdev',
      supported(true),
      enumOf('mode', ['subsystem']),
      enumOf('startupPolicy', ['default', 'mandatory', 'requisite', 'optional']),
      enumOf('subsysType', ['usb', 'pci', 'scsi']),
      enumOf('capsType', []),
      enumOf('pciBackend', host.vfio && caps.flags.has('vfio-pci') ? ['default', 'vfio'] : []),
    ),
    el(
      'rng',
      supported(true),
      enumOf('model', offered(caps, VIRTIO_MODELS)),
      enumOf(
        'backendModel',
        offered(caps, [
          ['random', 'rng-random'],
          ['egd', 'rng-egd'],
          ['builtin', 'rng-builtin'],
        ]),
      ),
    ),
    el(
      'filesystem',
      supported(true),
      enumOf(
        'driverType',
        offered(caps, [
          ['path', true],
          ['handle', true],
          ['virtiofs', 'vhost-user-fs'],
        ]),
      ),
    ),
    el(
      'tpm',
      supported(caps.flags.has('tpm-tis') || caps.flags.has('tpm-crb')),
      enumOf(
        'model',
        offered(caps, [
          ['tpm-tis', 'tpm-tis'],
          ['tpm-crb', 'tpm-crb'],
        ]),
      ),
      enumOf('backendModel', [
        ...offered(caps, [['passthrough', 'tpm-passthrough']]),
        ...(tpmEmulator ? ['emulator', 'external'] : []),
      ]),
      enumOf('backendVersion', tpmEmulator ? ['1.2', '2.0'] : []),
    ),
    el('redirdev', supported(caps.flags.has('usb-redir')), enumOf('bus', ['usb'])),
    el(
      'channel',
      supported(true),
      enumOf(
        'type',
        offered(caps, [
          ['pty', true],
          ['unix', true],
          ['spicevmc', 'spice'],
        ]),
      ),
    ),
  );
}

function featuresXml(target: DomainCapsTarget): XmlElement {
  const { caps } = target;
  return el(
    'features',
    {},
    el('gic', supported(false)),
    el('vmcoreinfo', supported(caps.flags.has('vmcoreinfo'))),
    el('genid', supported(caps.flags.has('vmgenid'))),
    el('backingStoreInput', supported(true)),
    el('backup', supported(caps.flags.has('incremental-backup'))),
    // libvirt offers SEV and SGX only with the host's firmware support, which it asks KVM for.
    el('sev', supported(false)),
    el('sgx', supported(false)),
    el('hyperv', supported(true), enumOf('features', ['spinlocks', 'vendor_id'])),
  );
}

/** libvirt's `<domainCapabilities>` for one emulator, machine, arch and domain type. */
export function domainCapsXml(target: DomainCapsTarget, host: DomainCapsHost): XmlElement {
  const { caps, virtType, machine, arch } = target;
  return el(
    'domainCapabilities',
    {},
    el('path', {}, caps.emulator ?? ''),
    el('domain', {}, virtType),
    el('machine', {}, machine.name),
    el('arch', {}, arch),
    el('vcpu', { max: machine.maxCpus }),
    el('iothreads', supported(true)),
    osXml(target, host),
    cpuXml(target, host),
    el(
      'memoryBacking',
      supported(true),
      enumOf(
        'sourceType',
        offered(caps, [
          ['file', true],
          ['anonymous', true],
          ['memfd', 'memory-backend-memfd'],
        ]),
      ),
    ),
    devicesXml(target, host),
    featuresXml(target),
  );
}
