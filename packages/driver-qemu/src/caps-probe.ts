import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  deriveQemuFlags,
  type QemuAccel,
  type QemuCaps,
  type QemuCpuModel,
  type QemuMachine,
} from './caps/index.js';
import { killProcess, launchDetached, signalProcess, waitForMonitorSocket } from './process/index.js';
import { connectQmp, type QmpClient, type QmpCpuDefinitionInfo, type QmpMachineInfo } from './qmp/index.js';

function machineOf(info: QmpMachineInfo, accel: QemuAccel, x86: boolean): QemuMachine {
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

function cpuModelOf(info: QmpCpuDefinitionInfo, accel: QemuAccel): QemuCpuModel {
  return {
    accel,
    name: info.name,
    typename: info.typename,
    // A model is usable when the accelerator can give it every feature it has.
    usable: (info['unavailable-features'] ?? []).length === 0,
    deprecated: info.deprecated,
  };
}

/** util-linux's setpriv, which execs QEMU in place (same pid) with a parent-death signal set. */
const SETPRIV = '/usr/bin/setpriv';
/**
 * A probe QEMU that has not answered by then is killed and its probe fails. The TCG probe gets
 * long under load; the KVM one (a healthy one answers in well under a second) is short: under an
 * unreliable /dev/kvm QEMU can hang in KVM's set-up, and KVM then counts as unusable.
 */
const PROBE_TIMEOUT_MS: Record<QemuAccel, number> = { tcg: 30_000, kvm: 5_000 };

/** `qemu-system-x86_64` → `x86_64`, `qemu-system-i386` → `i686` (libvirt's arch names). */
export function archOfEmulator(binary: string): string {
  const target = /qemu-system-([\w-]+)$/.exec(binary)?.[1] ?? 'x86_64';
  return target === 'i386' ? 'i686' : target;
}

/** Whether this process may run KVM guests: libvirt probes with KVM only when it can open it. */
export async function kvmUsable(): Promise<boolean> {
  return access('/dev/kvm', constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Runs `binary` with no machine under `accel`, as libvirt's probe does, and hands its QMP
 * monitor to `ask`. `workDir` holds the socket and the log while it runs.
 */
async function withProbeQemu<T>(
  binary: string,
  accel: QemuAccel,
  workDir: string,
  ask: (qmp: QmpClient) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(workDir, `probe-${accel}-`));
  const monitor = join(dir, 'qmp.sock');
  const logPath = join(dir, 'probe.log');
  try {
    const args = [
      '-S',
      '-no-user-config',
      '-nodefaults',
      '-nographic',
      '-machine',
      `none,accel=${accel}`,
    ].concat('-qmp', `unix:${monitor},server=on,wait=off`);
    // Unlike a guest, a probe must not outlive its prober: a prober killed mid-probe would leave
    // it running forever. setpriv has the kernel kill it with its parent.
    const withSetpriv = await access(SETPRIV, constants.X_OK).then(
      () => true,
      () => false,
    );
    const launched = await launchDetached({
      ...(withSetpriv
        ? { binary: SETPRIV, args: ['--pdeathsig', 'KILL', '--', binary, ...args] }
        : { binary, args }),
      logPath,
    });
    const deadline = setTimeout(() => signalProcess(launched.pid, 'SIGKILL'), PROBE_TIMEOUT_MS[accel]);
    try {
      await waitForMonitorSocket(monitor, { ...launched, logPath });
      const qmp = await connectQmp(monitor, { retryMs: 1000 });
      try {
        return await ask(qmp);
      } finally {
        await qmp.close();
      }
    } finally {
      clearTimeout(deadline);
      await killProcess(launched.pid, { termTimeoutMs: 2000 });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Asks `binary` over QMP for what libvirt's capability probe asks: version, machine types,
 * KVM, QOM types, commands and CPU models. CPU model usability depends on the accelerator, so
 * when KVM is usable a second QEMU is asked under KVM (in parallel), as libvirt does.
 */
export async function probeQemuCaps(binary: string, workDir: string): Promise<QemuCaps> {
  const arch = archOfEmulator(binary);
  const x86 = arch === 'x86_64' || arch === 'i686';
  const kvmDevice = await kvmUsable();
  const tcg = withProbeQemu(binary, 'tcg', workDir, async (qmp) => ({
    version: (await qmp.execute('query-version')).qemu,
    machines: await qmp.execute('query-machines'),
    kvmPresent: (await qmp.execute('query-kvm')).present,
    types: new Set((await qmp.execute('qom-list-types')).map((t) => t.name)),
    commands: new Set((await qmp.execute('query-commands')).map((c) => c.name)),
    cpus: await qmp.execute('query-cpu-definitions'),
  }));
  const kvmCpus = kvmDevice
    ? withProbeQemu(binary, 'kvm', workDir, (qmp) => qmp.execute('query-cpu-definitions'))
    : Promise.resolve(undefined);
  const [probe, kvmDefinitions] = await Promise.all([tcg, kvmCpus.catch(() => undefined)]);
  const kvm = probe.kvmPresent && kvmDefinitions !== undefined;
  const accels: QemuAccel[] = kvm ? ['kvm', 'tcg'] : ['tcg'];
  const { major, minor, micro } = probe.version;
  const version = major * 1_000_000 + minor * 1_000 + micro;
  return {
    emulator: binary,
    arch,
    version,
    flags: deriveQemuFlags({ version, types: probe.types, commands: probe.commands, kvm }),
    // libvirt leaves out `none`, the machine the probe itself runs: no guest runs on it.
    machines: accels.flatMap((accel) =>
      probe.machines.filter((info) => info.name !== 'none').map((info) => machineOf(info, accel, x86)),
    ),
    cpuModels: [
      ...(kvm ? (kvmDefinitions ?? []).map((info) => cpuModelOf(info, 'kvm')) : []),
      ...probe.cpus.map((info) => cpuModelOf(info, 'tcg')),
    ],
  };
}
