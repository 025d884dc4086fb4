import type { ControllerDef, DomainDef } from '@virtkit/core';
import type { FirmwareDescriptor } from '../argv/firmware-select.js';
import type { QemuCaps } from '../caps/index.js';
import { fillChardevDefaults } from './chardev-defaults.js';
import { withDefaultCpu } from './default-cpu.js';
import { defaultDevices } from './default-devices.js';
import { fillDeviceDefaults } from './device-defaults.js';
import { controllers, sortControllers } from './device-list.js';
import { assignDimmSlots } from './dimm-slots.js';
import { fillFirmware } from './firmware.js';
import { canonicalMachine } from './machine.js';
import { assignPciAddresses } from './pci-addresses.js';
import { assignUsbAddresses } from './usb-addresses.js';
import { type QemuValidateOptions, validateFirmwareFormats, validateForQemu } from './validate.js';

export { isI440fx, isQ35, machineOf } from './machine.js';

/** libvirt's default nvram directory of the system instance. */
const NVRAM_DIR = '/var/lib/libvirt/qemu/nvram';

export interface PostParseOptions extends QemuValidateOptions {
  /** A define or create (libvirt's VIR_DOMAIN_DEF_PARSE_ABI_UPDATE): machine aliases are resolved. */
  abiUpdate?: boolean;
  /** A domain defined or started anew: USB ports are handed out too (qemuDomainAssignUSBAddresses). */
  newDomain?: boolean;
  /** The host's firmware descriptors, highest priority first, for firmware autoselection (none: no selection). */
  firmware?: FirmwareDescriptor[];
  /** Where UEFI variable stores go when the XML names none. */
  nvramDir?: string;
  /** Preparing a start (qemuProcessPrepareDomain): what a define may leave for later must succeed now. */
  startup?: boolean;
}

/**
 * The QEMU driver's post-parse of a definition (qemuDomainDefPostParse, its device post-parse and
 * qemuDomainAssignAddresses), driven by the caps of the domain's emulator: what `dumpxml` shows
 * after a define, refused with libvirt's error when QEMU cannot run it (qemuValidateDomainDef).
 * The input is left untouched.
 */
export function postParseForQemu(
  input: DomainDef,
  caps: QemuCaps,
  options: PostParseOptions = {},
): DomainDef {
  const machine = canonicalMachine(input, caps, options.abiUpdate ?? false);
  const def = withDefaultCpu(structuredClone({ ...input, os: { ...input.os, machine } }), caps, machine);
  validateFirmwareFormats(def);
  fillFirmware(def, machine, {
    descriptors: options.firmware,
    nvramDir: options.nvramDir ?? NVRAM_DIR,
    required: options.startup ?? false,
    abiUpdate: options.abiUpdate ?? false,
  });
  def.emulator ??= caps.emulator ?? `/usr/bin/qemu-system-${def.os.arch ?? caps.arch}`;
  // Checked before addresses are handed out: only those the XML gives can be wrong.
  validateForQemu(def, caps, machine, options);
  // The controllers devices imply come after the machine's own, as libvirt adds them later.
  const implied = controllers(def.devices).filter((c) => c.implicit);
  const written = def.devices.filter((d) => !implied.includes(d as ControllerDef));
  const added = defaultDevices({ ...def, devices: written }, caps, machine);
  const addedControllers = controllers(added);
  def.devices = [
    ...sortControllers(written),
    ...added,
    ...implied.filter((c) => !addedControllers.some((a) => a.type === c.type && a.index === c.index)),
  ];
  fillChardevDefaults(def.devices);
  assignPciAddresses(def, machine);
  assignDimmSlots(def.devices);
  if (options.newDomain) assignUsbAddresses(def);
  fillDeviceDefaults(def.devices, caps, machine);
  return def;
}
