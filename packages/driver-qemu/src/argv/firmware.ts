import type { XmlElement } from '@virtkit/core';
import { formatJson } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

const text = (el: XmlElement | undefined): string =>
  (el?.children ?? [])
    .filter((c): c is string => typeof c === 'string')
    .join('')
    .trim();

/** A flash image: its file, its format and whether the guest may write to it. */
interface FlashImage {
  path: string;
  format: string;
  readOnly: boolean;
}

/** Where libvirt keeps a domain's UEFI variable store when the XML names none. */
const NVRAM_DIR = '/var/lib/libvirt/qemu/nvram';

/**
 * The pflash units of a manually configured UEFI loader: unit 0 the read-only code, unit 1 the
 * guest's variable store unless the loader is stateless.
 */
export function flashImages({ def }: ArgvContext): FlashImage[] {
  const { loader, nvram } = def.os;
  if (loader?.attrs.type !== 'pflash' || !text(loader)) return [];
  const readOnly = loader.attrs.readonly === 'yes';
  const images = [{ path: text(loader), format: loader.attrs.format ?? 'raw', readOnly }];
  // Only read-only code comes with a separate variable store.
  if (readOnly && loader.attrs.stateless !== 'yes') {
    const source = nvram?.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'source');
    const format = nvram?.attrs.format ?? 'raw';
    const defaultPath = `${NVRAM_DIR}/${def.name}_VARS.${format === 'qcow2' ? 'qcow2' : 'fd'}`;
    images.push({ path: source?.attrs.file ?? (text(nvram) || defaultPath), format, readOnly: false });
  }
  return images;
}

export function flashNodeName(unit: number): string {
  return `libvirt-pflash${unit}-format`;
}

export function pflashArgs(ctx: ArgvContext): string[] {
  return flashImages(ctx).flatMap((image, unit) => {
    const storage = `libvirt-pflash${unit}-storage`;
    const file = {
      driver: 'file',
      filename: image.path,
      'node-name': storage,
      'auto-read-only': true,
      discard: 'unmap',
    };
    const format = {
      'node-name': flashNodeName(unit),
      'read-only': image.readOnly,
      driver: image.format,
      file: storage,
    };
    return ['-blockdev', formatJson(file), '-blockdev', formatJson(format)];
  });
}

/** A legacy ROM loader (SeaBIOS and the like) is mapped by -bios. */
export function biosArgs({ def }: ArgvContext): string[] {
  const { loader } = def.os;
  return (loader?.attrs.type ?? 'rom') === 'rom' && text(loader) ? ['-bios', text(loader)] : [];
}

/** Secure boot code must only be writable from SMM, which the flash device enforces. */
export function secureFlashArgs({ def }: ArgvContext): string[] {
  return def.os.loader?.attrs.type === 'pflash' && def.os.loader.attrs.secure === 'yes'
    ? ['-global', 'driver=cfi.pflash01,property=secure,value=on']
    : [];
}
