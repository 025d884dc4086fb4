import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { QemuCaps, QemuMachine } from './caps/index.js';
import { killProcess, launchDetached, waitForMonitorSocket } from './process/index.js';
import { connectQmp, type QmpMachineInfo } from './qmp/index.js';

function machineOf(info: QmpMachineInfo, accel: QemuMachine['accel'], x86: boolean): QemuMachine {
  return {
    accel,
    name: info.name,
    ...(info.alias !== undefined && { alias: info.alias }),
    maxCpus: info['cpu-max'],
    hotplugCpus: info['hotpluggable-cpus'],
    isDefault: info['is-default'] === true,
    ...(info['default-cpu-type'] !== undefined && { defaultCpuType: info['default-cpu-type'] }),
    ...(info['default-ram-id'] !== undefined && { defaultRamId: info['default-ram-id'] }),
    // QEMU < 8.0 does not report it; every x86 machine has had the property since 5.x.
    acpi: info.acpi ?? x86,
    deprecated: info.deprecated,
  };
}

/** `qemu-system-x86_64` → `x86_64`: the probe does not ask QEMU for its target. */
function archOf(binary: string): string {
  return /qemu-system-([\w-]+)$/.exec(binary)?.[1] ?? 'x86_64';
}

/**
 * Starts `binary` with no machine, as libvirt's capability probe does, and asks it over QMP
 * for its version and machine types. `workDir` holds the probe's socket and log briefly.
 */
export async function probeQemuCaps(binary: string, workDir: string): Promise<QemuCaps> {
  const dir = await mkdtemp(join(workDir, 'probe-'));
  const monitor = join(dir, 'qmp.sock');
  const logPath = join(dir, 'probe.log');
  const launched = await launchDetached({
    binary,
    args: ['-S', '-no-user-config', '-nodefaults', '-nographic', '-machine', 'none,accel=tcg'].concat(
      '-qmp',
      `unix:${monitor},server=on,wait=off`,
    ),
    logPath,
  });
  try {
    await waitForMonitorSocket(monitor, { ...launched, logPath });
    const qmp = await connectQmp(monitor, { retryMs: 1000 });
    try {
      const version = await qmp.execute('query-version');
      const machines = await qmp.execute('query-machines');
      const kvm = await qmp.execute('query-kvm');
      const arch = archOf(binary);
      const x86 = arch === 'x86_64' || arch === 'i686';
      const accels: QemuMachine['accel'][] = kvm.present ? ['kvm', 'tcg'] : ['tcg'];
      const { major, minor, micro } = version.qemu;
      return {
        emulator: binary,
        arch,
        version: major * 1_000_000 + minor * 1_000 + micro,
        // The argv builder assumes a QEMU ≥ 7.0 and reads no flag yet; libvirt probes each one
        // (qemu_capabilities.c). Provisional until a flag matters.
        flags: new Set<string>(),
        machines: accels.flatMap((accel) => machines.map((info) => machineOf(info, accel, x86))),
        cpuModels: [],
      };
    } finally {
      await qmp.close();
    }
  } finally {
    await killProcess(launched.pid, { termTimeoutMs: 2000 });
    await rm(dir, { recursive: true, force: true });
  }
}
