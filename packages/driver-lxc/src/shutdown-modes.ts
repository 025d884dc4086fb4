import { type PowerRequestMode, type ShutdownMode, type ShutdownOptions, VirtError } from '@virtkit/core';

/** virDomainShutdownFlagValues: the bit each mode has in the C API's flags. */
const MODE_FLAGS: Record<ShutdownMode, number> = { acpi: 1, agent: 2, initctl: 4, signal: 8, paravirt: 16 };

/** How a container is asked to power off or reboot (lxcDomainShutdownFlags, lxcDomainReboot). */
export interface LxcPowerRequest {
  /** The mode the policy sees: initctl when it is tried first, signal when only a signal may be used. */
  readonly mode: Extract<PowerRequestMode, 'initctl' | 'signal'>;
  /** A signal to init is allowed when no initctl FIFO is found (no modes, or signal among them). */
  readonly signalFallback: boolean;
}

/**
 * libvirt's LXC driver accepts only the initctl and signal flags (virCheckFlags names the others
 * in hex); without flags it tries initctl first, then signals init.
 */
export function lxcPowerRequest(api: string, options: ShutdownOptions): LxcPowerRequest {
  const modes = options.modes ?? [];
  const unsupported = modes
    .filter((mode) => mode !== 'initctl' && mode !== 'signal')
    .reduce((bits, mode) => bits | MODE_FLAGS[mode], 0);
  if (unsupported !== 0) {
    throw new VirtError(
      'INVALID_ARG',
      `unsupported flags (0x${unsupported.toString(16)}) in function ${api}`,
    );
  }
  const signalFallback = modes.length === 0 || modes.includes('signal');
  return { mode: modes.length === 0 || modes.includes('initctl') ? 'initctl' : 'signal', signalFallback };
}
