import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's test guest (../shared/guest beside the checkout): a boot sector that prints
 * BOOT on the first serial port and powers off on an ACPI power-button press.
 * From src/testing or dist/testing alike, five levels up is the checkout's parent.
 */
export const POWERBUTTON_IMAGE = fileURLToPath(
  new URL('../../../../../shared/guest/powerbutton.img', import.meta.url),
);

/** What a guest's XML adds to the plain powerbutton guest. */
export interface PowerbuttonOptions {
  onPoweroff?: string;
  onReboot?: string;
  onCrash?: string;
  /** A pvpanic device (`<panic model='isa'/>`) the host can trigger at I/O port 0x505. */
  panic?: boolean;
}

const LIFECYCLE = [
  ['onPoweroff', 'on_poweroff'],
  ['onReboot', 'on_reboot'],
  ['onCrash', 'on_crash'],
] as const;

/** A TCG guest running `image` (a copy of the powerbutton image), its first serial port logged to `serialLog`. */
export function powerbuttonXml(
  name: string,
  image: string,
  serialLog: string,
  options: PowerbuttonOptions = {},
): string {
  const lifecycle = LIFECYCLE.filter(([key]) => options[key] !== undefined)
    .map(([key, element]) => `\n  <${element}>${options[key]}</${element}>`)
    .join('');
  const panic = options.panic ? "\n    <panic model='isa'/>" : '';
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>${lifecycle}
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${image}'/>
      <target dev='hda' bus='ide'/>
    </disk>
    <serial type='file'><source path='${serialLog}'/></serial>${panic}
  </devices>
</domain>
`;
}

export interface PowerbuttonGuest {
  name: string;
  image: string;
  serialLog: string;
  xml: string;
}

/** A guest of its own in `dir`: a copy of the image, its serial log path and its XML. */
export async function makePowerbuttonGuest(
  dir: string,
  name: string,
  options: PowerbuttonOptions = {},
): Promise<PowerbuttonGuest> {
  const image = join(dir, `${name}.img`);
  const serialLog = join(dir, `${name}.serial.log`);
  await copyFile(POWERBUTTON_IMAGE, image);
  return { name, image, serialLog, xml: powerbuttonXml(name, image, serialLog, options) };
}

/** How many times the guest has booted: the BOOT lines in its serial log so far. */
export async function bootCount(serialLog: string): Promise<number> {
  return (await readFile(serialLog, 'utf8').catch(() => '')).split('BOOT').length - 1;
}
