import { checkShutdownModes, type PowerRequestMode, type ShutdownOptions, VirtError } from '@virtkit/core';

/**
 * How a shutdown or reboot reaches the guest, as libvirt's QEMU driver picks it: modes other than
 * ACPI and agent are unsupported flags of `api`; ACPI is the default and wins when both are
 * allowed, since this driver has no guest agent channel yet.
 */
export function powerRequestMode(api: string, options: ShutdownOptions): PowerRequestMode {
  const modes = checkShutdownModes(api, options, ['acpi', 'agent']);
  if (modes.length === 0 || modes.includes('acpi')) return 'acpi';
  throw new VirtError('ARGUMENT_UNSUPPORTED', 'QEMU guest agent is not configured', { domain: 'QEMU' });
}
