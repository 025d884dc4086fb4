import { VirtError } from '../errors/index.js';
import type { ShutdownMode, ShutdownOptions } from './driver.js';

/** virDomainShutdownFlagValues: the bit each mode has in the C API's flags. */
const MODE_FLAGS: Record<ShutdownMode, number> = { acpi: 1, agent: 2, initctl: 4, signal: 8, paravirt: 16 };

/**
 * The modes a shutdown or reboot asks for, refusing those the driver does not support as its
 * virCheckFlags does: the unsupported flags in hex, with the API's name.
 */
export function checkShutdownModes(
  api: string,
  options: ShutdownOptions,
  supported: readonly ShutdownMode[],
): readonly ShutdownMode[] {
  const modes = options.modes ?? [];
  const unsupported = modes
    .filter((mode) => !supported.includes(mode))
    .reduce((bits, mode) => bits | MODE_FLAGS[mode], 0);
  if (unsupported !== 0) {
    throw new VirtError(
      'INVALID_ARG',
      `unsupported flags (0x${unsupported.toString(16)}) in function ${api}`,
    );
  }
  return modes;
}
