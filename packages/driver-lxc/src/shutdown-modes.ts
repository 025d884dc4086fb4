import { checkShutdownModes, type PowerRequestMode, type ShutdownOptions } from '@virtkit/core';

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
  const modes = checkShutdownModes(api, options, ['initctl', 'signal']);
  const signalFallback = modes.length === 0 || modes.includes('signal');
  return { mode: modes.length === 0 || modes.includes('initctl') ? 'initctl' : 'signal', signalFallback };
}
