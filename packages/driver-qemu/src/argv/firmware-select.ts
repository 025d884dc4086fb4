import { childElement, childElements, type DomainDef } from '@virtkit/core';

/** The parts of a QEMU firmware descriptor (docs/interop/firmware.json) selection looks at. */
export interface FirmwareDescriptor {
  interfaceTypes: string[];
  /** `flash` (pflash) or `memory` (-bios). */
  device: string;
  /** Flash layout: `split` (code + variable template), `combined` or `stateless`. */
  mode: string;
  executable: { filename: string; format: string };
  nvramTemplate?: { filename: string; format: string };
  targets: { architecture: string; machines: string[] }[];
  features: string[];
}

interface RawDescriptor {
  'interface-types'?: string[];
  mapping?: {
    device?: string;
    mode?: string;
    filename?: string;
    executable?: { filename?: string; format?: string };
    'nvram-template'?: { filename?: string; format?: string };
  };
  targets?: { architecture?: string; machines?: string[] }[];
  features?: string[];
}

export function parseFirmwareDescriptor(json: string): FirmwareDescriptor {
  const raw = JSON.parse(json) as RawDescriptor;
  const mapping = raw.mapping ?? {};
  const template = mapping['nvram-template'];
  return {
    interfaceTypes: raw['interface-types'] ?? [],
    device: mapping.device ?? '',
    mode: mapping.mode ?? 'split',
    executable: {
      filename: mapping.executable?.filename ?? mapping.filename ?? '',
      format: mapping.executable?.format ?? 'raw',
    },
    ...(template && {
      nvramTemplate: { filename: template.filename ?? '', format: template.format ?? 'raw' },
    }),
    targets: (raw.targets ?? []).map((t) => ({
      architecture: t.architecture ?? '',
      machines: t.machines ?? [],
    })),
    features: raw.features ?? [],
  };
}

/** QEMU's architecture names where they differ from libvirt's. */
const QEMU_ARCH: Record<string, string> = { i686: 'i386' };

export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
  return re.test(value);
}

/** Whether a descriptor satisfies everything the domain asks of its firmware. */
export function satisfies(desc: FirmwareDescriptor, def: DomainDef, machine: string): boolean {
  const { os } = def;
  const wanted = os.firmware === 'efi' ? 'uefi' : os.firmware;
  const loader = os.loader?.attrs ?? {};
  const arch = QEMU_ARCH[os.arch ?? ''] ?? os.arch;
  const has = (feature: string): boolean => desc.features.includes(feature);
  const smm = def.features?.items.find((f) => f.name === 'smm');
  // A format given for only one of code and variables applies to both.
  const loaderFormat = loader.format ?? os.nvram?.attrs.format ?? 'raw';
  const nvramFormat = os.nvram?.attrs.format ?? loader.format ?? 'raw';
  const checks = [
    desc.interfaceTypes.includes(wanted ?? ''),
    desc.targets.some((t) => t.architecture === arch && t.machines.some((m) => globMatch(m, machine))),
    loader.type === undefined || desc.device === (loader.type === 'pflash' ? 'flash' : 'memory'),
    loader.secure === undefined || has('secure-boot') === (loader.secure === 'yes'),
    desc.device !== 'flash' || desc.mode === (loader.stateless === 'yes' ? 'stateless' : 'split'),
    desc.device !== 'flash' || desc.executable.format === loaderFormat,
    desc.nvramTemplate === undefined || desc.nvramTemplate.format === nvramFormat,
    smm?.attrs.state !== 'off' || !has('requires-smm'),
    ...childElements(childElement(os.rest, 'firmware'), 'feature').map(
      (f) => has(f.attrs.name ?? '') === (f.attrs.enabled === 'yes'),
    ),
  ];
  return checks.every(Boolean);
}
