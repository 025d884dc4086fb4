import { type PowerRequestMode, type ShutdownMode, type ShutdownOptions, VirtError } from '@virtkit/core';

/** virDomainShutdownFlagValues: the bit each mode has in the C API's flags. */
const MODE_FLAGS: Record<ShutdownMode, number> = { acpi: 1, agent: 2, initctl: 4, signal: 8, paravirt: 16 };

/**
 * How a shutdown or reboot reaches the guest, as libvirt's QEMU driver picks it: modes other than
 * ACPI and agent are unsupported flags of `api`; ACPI is the default and wins when both are
 * allowed, since this driver has no guest agent channel yet.
 */
export function powerRequestMode(api: string, options: ShutdownOptions): PowerRequestMode {
  const modes = options.modes ?? [];
  const unsupported = modes
    .filter((mode) => mode !== 'acpi' && mode !== 'agent')
    .reduce((bits, mode) => bits | MODE_FLAGS[mode], 0);
  if (unsupported !== 0) {
    throw new VirtError(
      'INVALID_ARG',
      `unsupported flags (0x${unsupported.toString(16)}) in function ${api}`,
    );
  }
  if (modes.length === 0 || modes.includes('acpi')) return 'acpi';
  throw new VirtError('ARGUMENT_UNSUPPORTED', 'QEMU guest agent is not configured', { domain: 'QEMU' });
}
