import { childElement, type DomainDef, toKiB, VirtError, type XmlElement } from '@virtkit/core';
import { unsupported } from '../argv/unsupported.js';
import type { QemuCaps } from '../caps/index.js';
import { isQ35 } from './machine.js';
import { validateQemuDevices } from './validate-devices.js';
import { textOf } from './xml-parts.js';

export interface QemuValidateOptions {
  /** TPM versions the host's swtpm supports; undefined when unknown (not checked). */
  swtpmVersions?: readonly string[];
}

function feature(def: DomainDef, name: string): XmlElement | undefined {
  return def.features?.items.find((f) => f.name === name);
}

function checkArch(def: DomainDef, caps: QemuCaps): void {
  const arch = def.os.arch;
  // An x86_64 QEMU runs i686 guests too.
  if (
    arch === undefined ||
    caps.arch === '' ||
    arch === caps.arch ||
    (arch === 'i686' && caps.arch === 'x86_64')
  ) {
    return;
  }
  throw unsupported(`Emulator '${def.emulator ?? caps.emulator}' does not support arch '${arch}'`);
}

/** SMM's TSEG size is a q35 property and QEMU takes it in whole MiB. */
function checkTseg(def: DomainDef, machine: string): void {
  const tseg = childElement(feature(def, 'smm'), 'tseg');
  if (!tseg) return;
  if (!isQ35(machine)) throw unsupported('SMM TSEG is only supported with q35 machine type');
  if (toKiB(Number(textOf(tseg)), tseg.attrs.unit ?? 'MiB') % 1024 !== 0) {
    throw unsupported('SMM TSEG size must be divisible by 1 MiB');
  }
}

/** OVMF finds its devices through ACPI tables on x86; without them it cannot boot anything. */
function checkUefiAcpi(def: DomainDef): void {
  const uefi = def.os.firmware === 'efi' || def.os.loader?.attrs.type === 'pflash';
  const x86 = def.os.arch === undefined || ['x86_64', 'i686'].includes(def.os.arch);
  if (uefi && x86 && !feature(def, 'acpi')) throw unsupported('UEFI requires ACPI on this architecture');
}

/**
 * The image formats of UEFI code and variables must agree. A store the XML locates (a path or a
 * source) without a format is raw; one left to libvirt takes the code's format, and the code the
 * store's. Checked before firmware selection, which looks for a firmware of exactly those formats.
 */
export function validateFirmwareFormats(def: DomainDef): void {
  const { loader, nvram } = def.os;
  if (!nvram) return;
  const located = textOf(nvram) !== '' || nvram.children.some((c) => typeof c !== 'string');
  const nvramFormat = nvram.attrs.format ?? (located ? 'raw' : loader?.attrs.format);
  const loaderFormat = loader?.attrs.format ?? nvramFormat;
  if (loaderFormat !== nvramFormat) {
    throw new VirtError(
      'XML_ERROR',
      `Format mismatch: loader.format='${loaderFormat}' nvram.format='${nvramFormat}'`,
    );
  }
}

/**
 * Firmware features only steer autoselection (virDomainDefOSValidate). Checked here rather than in
 * core's validation because the QEMU post-parse may first turn a loader it recognises into
 * autoselected firmware (when not defining anew).
 */
function checkFirmwareFeatures(def: DomainDef): void {
  if (def.os.firmware || !def.os.rest?.children.some((c) => c.name === 'firmware')) return;
  throw new VirtError(
    'XML_DETAIL',
    'cannot use feature-based firmware autoselection when firmware autoselection is disabled',
  );
}

/**
 * libvirt's QEMU validation of a definition (qemuValidateDomainDef and its device checks): what
 * this emulator and machine can run at all. Run on define and again before a start.
 */
export function validateForQemu(
  def: DomainDef,
  caps: QemuCaps,
  machine: string,
  options: QemuValidateOptions = {},
): void {
  checkArch(def, caps);
  checkTseg(def, machine);
  checkUefiAcpi(def);
  checkFirmwareFeatures(def);
  validateQemuDevices({
    def,
    machine,
    ...(options.swtpmVersions && { swtpmVersions: options.swtpmVersions }),
  });
}
