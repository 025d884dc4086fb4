import { type DomainDef, toKiB, type XmlElement } from '@virtkit/core';
import type { QemuCaps } from '../caps/index.js';
import { isQ35 } from '../define/index.js';
import { unsupported } from './unsupported.js';

/** Disk image formats QEMU cannot open as written, with libvirt's explanation. */
const BAD_DISK_FORMATS: Record<string, string> = {
  cow: "'cow' storage format is not supported",
  dir: "'directory' storage format is not directly supported by QEMU, use 'dir' disk type instead",
  iso: "storage format 'iso' is not directly supported by QEMU, use 'raw' instead",
};

function findChild(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

function textOf(el: XmlElement): string {
  return el.children
    .filter((c): c is string => typeof c === 'string')
    .join('')
    .trim();
}

/** SMM's TSEG size is a q35 property and QEMU takes it in whole MiB. */
function checkTseg(def: DomainDef, machine: string): void {
  const tseg = findChild(
    def.features?.items.find((f) => f.name === 'smm'),
    'tseg',
  );
  if (!tseg) return;
  if (!isQ35(machine)) throw unsupported('SMM TSEG is only supported with q35 machine type');
  if (toKiB(Number(textOf(tseg)), tseg.attrs.unit ?? 'MiB') % 1024 !== 0) {
    throw unsupported('SMM TSEG size must be divisible by 1 MiB');
  }
}

/**
 * The part of libvirt's QEMU validation (qemuValidateDomainDef) the command line relies on:
 * what this emulator and machine can run at all.
 */
export function validateForQemu(def: DomainDef, caps: QemuCaps, machine: string): void {
  const arch = def.os.arch;
  if (
    arch !== undefined &&
    caps.arch !== '' &&
    arch !== caps.arch &&
    !(arch === 'i686' && caps.arch === 'x86_64')
  ) {
    throw unsupported(`Emulator '${def.emulator ?? caps.emulator}' does not support arch '${arch}'`);
  }
  for (const dev of def.devices) {
    const format = dev.kind === 'disk' ? dev.driver?.type : undefined;
    const problem = format === undefined ? undefined : BAD_DISK_FORMATS[format];
    if (problem) throw unsupported(problem);
    if (
      dev.kind === 'generic' &&
      dev.element.name === 'iommu' &&
      dev.element.attrs.model === 'intel' &&
      !isQ35(machine)
    ) {
      throw unsupported("IOMMU device: 'intel' is only supported with Q35 machines");
    }
  }
  checkTseg(def, machine);
}
