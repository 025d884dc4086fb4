import type { CpuDef, DomainDef } from '@virtkit/core';
import { findMachine, type QemuCaps } from '../caps/index.js';
import { accelOf } from './machine.js';

/** The CPU model name (`qemu64`) behind the machine's default CPU QOM type (`qemu64-x86_64-cpu`). */
function defaultCpuModel(def: DomainDef, caps: QemuCaps, machine: string): string | undefined {
  const accel = accelOf(def);
  const typename = findMachine(caps, accel, machine)?.defaultCpuType;
  if (!typename) return undefined;
  const known = caps.cpuModels.find((m) => m.accel === accel && m.typename === typename);
  return known?.name ?? typename.replace(/-[^-]+-cpu$/, '');
}

/**
 * qemuDomainDefSetDefaultCPU + qemuDomainDefCPUPostParse: a guest without a CPU model gets the
 * machine's default one, pinned exactly. A CPU is compared with the host's only when asked
 * (`check` defaults to none; partial for host-model); host-passthrough is migratable by default.
 */
export function withDefaultCpu(def: DomainDef, caps: QemuCaps, machine: string): DomainDef {
  let cpu: CpuDef | undefined = def.cpu && { ...def.cpu };
  const mode = cpu?.mode ?? 'custom';
  if (mode === 'custom' && cpu?.model === undefined) {
    const model = defaultCpuModel(def, caps, machine);
    if (model) {
      cpu = { features: [], ...cpu, mode: 'custom', match: 'exact', model, modelFallback: 'forbid' };
    }
  }
  if (!cpu) return def;
  if (cpu.check === undefined) cpu.check = cpu.mode === 'host-model' ? 'partial' : 'none';
  if (cpu.mode === 'host-passthrough' || cpu.mode === 'maximum') cpu.migratable ??= true;
  return { ...def, cpu };
}
