import {
  type ChardevDef,
  childElement,
  type DeviceDef,
  type DiskDef,
  type DomainDef,
  type GenericDeviceDef,
  type InputDef,
  VirtError,
} from '@virtkit/core';
import { unsupported } from '../argv/unsupported.js';
import { isQ35 } from './machine.js';

/** What the device checks need beyond the device itself. */
export interface DeviceCheckContext {
  def: DomainDef;
  machine: string;
  /** TPM versions the host's swtpm supports; undefined when unknown (not checked). */
  swtpmVersions?: readonly string[];
}

/** Disk image formats QEMU cannot open as written, with libvirt's explanation. */
const BAD_DISK_FORMATS: Record<string, string> = {
  cow: "'cow' storage format is not supported",
  dir: "'directory' storage format is not directly supported by QEMU, use 'dir' disk type instead",
  iso: "storage format 'iso' is not directly supported by QEMU, use 'raw' instead",
};

/** Image formats QEMU's own encryption layer (and concurrent writers) can work with. */
const ENCRYPTABLE_FORMATS = ['raw', 'qcow2'];

/** qemuValidateDomainDeviceDefDisk and qemuDomainValidateStorageSource. */
function checkDisk(disk: DiskDef): void {
  const format = disk.driver?.type;
  if (format === undefined) return;
  const problem = BAD_DISK_FORMATS[format];
  if (problem) throw unsupported(problem);
  const encrypted = childElement(disk.source?.rest, 'encryption') ?? childElement(disk.rest, 'encryption');
  // librbd decrypts inside the storage layer, below any image format.
  if (encrypted && encrypted.attrs.engine !== 'librbd' && !ENCRYPTABLE_FORMATS.includes(format)) {
    throw unsupported("encryption is supported only with 'raw' and 'qcow2' image format");
  }
  // Only raw images tolerate two guests writing at once; QEMU's image locking refuses the rest.
  if (disk.shareable && !disk.readonly && format !== 'raw') {
    throw unsupported(`shared access for disk '${disk.target.dev}' requires use of supported storage format`);
  }
}

/** Which serial target model goes with which target type on x86 (qemuValidateDomainChrTargetDef). */
const X86_SERIAL_MODELS: Record<string, string> = {
  'isa-serial': 'isa-serial',
  'usb-serial': 'usb-serial',
  'pci-serial': 'pci-serial',
  'isa-debug': 'isa-debugcon',
};

function checkSerial(serial: ChardevDef): void {
  const type = serial.target?.type;
  const model = childElement(serial.target?.rest, 'model')?.attrs.name;
  if (type === undefined || model === undefined || X86_SERIAL_MODELS[type] === model) return;
  throw unsupported(
    `Serial device with target type '${type}' and target model '${model}' not compatible with guest architecture or machine type`,
  );
}

const TRANSITIONAL_MODELS = ['virtio-transitional', 'virtio-non-transitional'];

function checkInput(input: InputDef): void {
  const model = input.rest?.attrs.model;
  if (model !== undefined && TRANSITIONAL_MODELS.includes(model) && input.type !== 'passthrough') {
    throw unsupported(`virtio (non-)transitional models are not supported for input type=${input.type}`);
  }
}

/** qemuValidateDomainDeviceDefIOMMU: where each IOMMU model can sit. */
function checkIommu(iommu: GenericDeviceDef, ctx: DeviceCheckContext): void {
  const model = iommu.element.attrs.model;
  if (model === 'intel' && !isQ35(ctx.machine)) {
    throw unsupported("IOMMU device: 'intel' is only supported with Q35 machines");
  }
  if (model !== 'virtio') return;
  if (!isQ35(ctx.machine) && !ctx.machine.startsWith('virt')) {
    throw unsupported("IOMMU device: 'virtio' is only supported with Q35 and ARM Virt machines");
  }
  if (!ctx.def.features?.items.some((f) => f.name === 'acpi')) {
    throw unsupported("IOMMU device: 'virtio' requires ACPI");
  }
  const address = iommu.info.address;
  if (address === undefined) return;
  if (address.type !== 'pci') throw unsupported("IOMMU device: 'virtio' needs a PCI address");
  // The guest finds the IOMMU through ACPI tables that only describe root-bus devices.
  const { domain = '0', bus = '0', slot = '0', function: fn = '0' } = address.attrs;
  if (Number(bus) !== 0) {
    const hex = (v: string, width: number): string => Number(v).toString(16).padStart(width, '0');
    throw new VirtError(
      'XML_ERROR',
      `The device at PCI address ${hex(domain, 4)}:${hex(bus, 2)}:${hex(slot, 2)}.${Number(fn).toString(16)} needs to be an integrated device (bus=0)`,
    );
  }
}

function checkHostdev(hostdev: GenericDeviceDef): void {
  // vhost-scsi has no boot ROM QEMU could list in its boot order.
  if (hostdev.element.attrs.type === 'scsi_host' && hostdev.info.bootOrder !== undefined) {
    throw unsupported('booting from assigned devices is not supported by vhost SCSI devices');
  }
}

function checkTpm(tpm: GenericDeviceDef, ctx: DeviceCheckContext): void {
  const backend = childElement(tpm.element, 'backend');
  const version = backend?.attrs.version;
  if (backend?.attrs.type !== 'emulator' || version === undefined || ctx.swtpmVersions === undefined) return;
  if (!ctx.swtpmVersions.includes(version)) throw unsupported(`TPM version '${version}' is not supported`);
}

/** Display types egl-headless can hand its OpenGL rendering to. */
const EGL_PARTNERS = ['vnc', 'spice', 'egl-headless'];

function checkGraphics(def: DomainDef): void {
  const types = def.devices.flatMap((d) => (d.kind === 'graphics' ? [d.type] : []));
  if (types.includes('egl-headless') && types.some((t) => !EGL_PARTNERS.includes(t))) {
    throw unsupported(
      "graphics type 'egl-headless' is only supported with one of: 'vnc', 'spice' graphics types",
    );
  }
}

/** Checks of generic devices (kept as elements by core), by element name. */
const GENERIC_CHECKS: Record<string, (dev: GenericDeviceDef, ctx: DeviceCheckContext) => void> = {
  iommu: checkIommu,
  hostdev: checkHostdev,
  tpm: checkTpm,
};

function checkDevice(dev: DeviceDef, ctx: DeviceCheckContext): void {
  if (dev.kind === 'disk') checkDisk(dev);
  else if (dev.kind === 'serial') checkSerial(dev);
  else if (dev.kind === 'input') checkInput(dev);
  else if (dev.kind === 'generic') GENERIC_CHECKS[dev.element.name]?.(dev, ctx);
}

/** The device part of libvirt's QEMU validation (qemuValidateDomainDeviceDef*). */
export function validateQemuDevices(ctx: DeviceCheckContext): void {
  for (const dev of ctx.def.devices) checkDevice(dev, ctx);
  checkGraphics(ctx.def);
}
