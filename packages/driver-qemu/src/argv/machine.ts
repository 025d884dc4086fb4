import { hasFeature, toKiB, type XmlElement } from '@virtkit/core';
import { clockTimer } from './clock.js';
import { flashImages, flashNodeName } from './firmware.js';
import { formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';
import { pcSpeakerAudiodev } from './sound.js';

/** Whether guest RAM is one plain backend object, which -machine then names. */
export function usesMachineRamBackend({ def, machine }: ArgvContext): boolean {
  return machine?.defaultRamId !== undefined && !hasNuma(def.cpu?.rest?.children);
}

function hasNuma(children: { name: string }[] | undefined): boolean {
  return children?.some((c) => c.name === 'numa') ?? false;
}

/** A `<features>` switch: absent, or on unless `state='off'`. */
function featureState(def: ArgvContext['def'], name: string): boolean | undefined {
  const item = def.features?.items.find((f) => f.name === name);
  return item === undefined ? undefined : item.attrs.state !== 'off';
}

function hpetState(ctx: ArgvContext): boolean | undefined {
  const present = clockTimer(ctx, 'hpet')?.attrs.present;
  return present === undefined ? undefined : present === 'yes';
}

export function machineArgs(ctx: ArgvContext): string[] {
  const { def, machine, machineName } = ctx;
  const props = {
    '': machineName,
    usb: false,
    vmport: featureState(def, 'vmport'),
    smm: featureState(def, 'smm'),
    // An IOAPIC emulated in QEMU means only the local APIC stays in the kernel.
    kernel_irqchip:
      def.features?.items.find((f) => f.name === 'ioapic')?.attrs.driver === 'qemu' ? 'split' : undefined,
    'dump-guest-core': def.memory.dumpCore ?? false,
    'memory-backend': usesMachineRamBackend(ctx) ? machine?.defaultRamId : undefined,
    ...Object.fromEntries(flashImages(ctx).map((_, unit) => [`pflash${unit}`, flashNodeName(unit)])),
    'pcspk-audiodev': pcSpeakerAudiodev(ctx),
    hpet: hpetState(ctx),
    // Machines with an acpi property get it set explicitly, from <features><acpi/>.
    acpi: machine?.acpi ? hasFeature(def.features, 'acpi') : undefined,
  };
  return ['-machine', formatKeyValue(props)];
}

/** TCG's translation cache size comes from `<features><tcg><tb-cache>`, in MiB. */
function tbSizeMiB(def: ArgvContext['def']): number | undefined {
  const tcg = def.features?.items.find((f) => f.name === 'tcg');
  const cache = tcg?.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'tb-cache');
  if (!cache) return undefined;
  const value = Number(cache.children.filter((c) => typeof c === 'string').join(''));
  return Math.floor(toKiB(value, cache.attrs.unit ?? 'MiB') / 1024);
}

export function accelArgs({ def }: ArgvContext): string[] {
  if (def.type === 'kvm') return ['-accel', 'kvm'];
  return ['-accel', formatKeyValue({ '': 'tcg', 'tb-size': tbSizeMiB(def) })];
}
