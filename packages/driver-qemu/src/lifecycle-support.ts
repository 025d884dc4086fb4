import { type DomainDef, VirtError } from '@virtkit/core';

/**
 * qemuValidateLifecycleAction: QEMU can neither rename a domain to restart it nor keep a
 * powered-off guest (preserve on power-off/reboot); checked in libvirt's order.
 */
export function validateQemuLifecycle(def: DomainDef): void {
  if ([def.onPoweroff, def.onReboot, def.onCrash].includes('rename-restart')) {
    throw new VirtError(
      'CONFIG_UNSUPPORTED',
      "qemu driver doesn't support the 'rename-restart' action for 'on_reboot'/'on_poweroff'/'on_crash'",
    );
  }
  if (def.onPoweroff === 'preserve' || def.onReboot === 'preserve') {
    throw new VirtError(
      'CONFIG_UNSUPPORTED',
      "qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'",
    );
  }
}
