import { isQ35 } from '../define/index.js';
import type { ArgvContext } from './qemu-command.js';

/** `<pm>` children and the ACPI sleep state each one gates. */
const SLEEP_STATES: [string, string][] = [
  ['suspend-to-mem', 'disable_s3'],
  ['suspend-to-disk', 'disable_s4'],
];

/** S3/S4 are switched on the machine's power-management device: PIIX4 on PCs, the ICH9 LPC on Q35. */
export function powerManagementArgs(ctx: ArgvContext): string[] {
  const pm = ctx.def.rest?.children.find((c) => c.name === 'pm');
  if (!pm) return [];
  const device = isQ35(ctx.machineName) ? 'ICH9-LPC' : 'PIIX4_PM';
  return SLEEP_STATES.flatMap(([element, property]) => {
    const item = pm.children.find((c) => typeof c !== 'string' && c.name === element);
    if (!item || typeof item === 'string' || item.attrs.enabled === undefined) return [];
    return ['-global', `${device}.${property}=${item.attrs.enabled === 'no' ? 1 : 0}`];
  });
}
