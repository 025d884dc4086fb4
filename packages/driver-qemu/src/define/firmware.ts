import { type DomainDef, VirtError, type XmlElement } from '@virtkit/core';
import { type FirmwareDescriptor, satisfies } from '../argv/firmware-select.js';
import { textOf } from './xml-parts.js';

/** The firmware features libvirt reports, in the order it writes them. */
const REPORTED_FEATURES = ['enrolled-keys', 'secure-boot'];

/** Attributes in the order given, those left undefined dropped. */
function ordered(attrs: [string, string | undefined][]): Record<string, string> {
  return Object.fromEntries(attrs.filter((a): a is [string, string] => a[1] !== undefined));
}

/**
 * The descriptor of a firmware configured by hand: the same executable, flash layout and, when
 * the XML names one, the same variable template.
 */
function describedLoader(def: DomainDef, descriptors: FirmwareDescriptor[]): FirmwareDescriptor | undefined {
  const { loader, nvram } = def.os;
  const path = textOf(loader);
  const type = loader?.attrs.type;
  const mode = loader?.attrs.stateless === 'yes' ? 'stateless' : 'split';
  const template = nvram?.attrs.template;
  return descriptors.find(
    (d) =>
      d.executable.filename === path &&
      (type === undefined || d.device === (type === 'pflash' ? 'flash' : 'memory')) &&
      (d.device !== 'flash' || d.mode === mode) &&
      (template === undefined || d.nvramTemplate?.filename === template),
  );
}

function firmwareFeatures(def: DomainDef, desc: FirmwareDescriptor, networkNvram: boolean): XmlElement {
  const written = def.os.rest?.children.find((c) => c.name === 'firmware');
  const given = new Map(
    (written?.children ?? []).flatMap((c) =>
      typeof c === 'string' ? [] : [[c.attrs.name ?? '', c.attrs.enabled ?? 'no'] as const],
    ),
  );
  // Enrolled keys live in the variable template, which a network store does not use.
  const names = REPORTED_FEATURES.filter((n) => n !== 'enrolled-keys' || !networkNvram || given.has(n));
  const children = names.map((name) => ({
    name: 'feature',
    attrs: { enabled: given.get(name) ?? (desc.features.includes(name) ? 'yes' : 'no'), name },
    children: [],
  }));
  return { name: 'firmware', attrs: {}, children };
}

export interface FirmwareFillOptions {
  /** The host's firmware descriptors, highest priority first (none: nothing is filled). */
  descriptors: FirmwareDescriptor[] | undefined;
  /** Where a variable store goes when the XML names none. */
  nvramDir: string;
  /** Preparing a start, where no matching firmware is an error (a define leaves it for then). */
  required: boolean;
  /** A define or create (VIR_DOMAIN_DEF_PARSE_ABI_UPDATE). */
  abiUpdate: boolean;
}

/**
 * qemuFirmwareFillDomain, done on define since libvirt 9.2: the firmware the domain asks for
 * (`<os firmware=…>`, or a loader path that a descriptor describes) is written out in full: the
 * loader, the variable store and its template, the features the firmware has, and SMM when the
 * firmware requires it.
 */
export function fillFirmware(def: DomainDef, machine: string, options: FirmwareFillOptions): void {
  const { os } = def;
  const { descriptors, nvramDir, required, abiUpdate } = options;
  // Without descriptors nothing is known about the host's firmware: the XML stays as written.
  if (!descriptors) return;
  const loader = os.loader;
  const manual = !os.firmware && loader !== undefined && textOf(loader) !== '';
  // A configuration defined anew keeps its manual firmware manual; only one loaded from disk
  // is described in full, so that what older versions accepted still loads.
  if (!os.firmware && (!manual || abiUpdate)) return;
  // Autoselection given a loader path only considers the firmware at that path.
  const path = os.firmware && loader ? textOf(loader) : '';
  const desc =
    manual && loader
      ? describedLoader(def, descriptors)
      : descriptors.find(
          (d) => (path === '' || d.executable.filename === path) && satisfies(d, def, machine),
        );
  if (!desc && !manual) {
    // A define keeps the XML as written and leaves the failure to the start (libvirt since 9.2).
    if (!required) return;
    throw new VirtError('OPERATION_FAILED', `Unable to find any firmware to satisfy '${os.firmware}'`);
  }
  if (!desc) {
    if (loader) loader.attrs = { ...loader.attrs, type: loader.attrs.type ?? 'rom' };
    return;
  }
  const flash = desc.device === 'flash';
  const given = loader?.attrs ?? {};
  os.firmware = desc.interfaceTypes.includes('uefi') ? 'efi' : 'bios';
  os.loader = {
    name: 'loader',
    attrs: ordered([
      ['readonly', flash ? (given.readonly ?? 'yes') : given.readonly],
      ['secure', given.secure ?? (desc.features.includes('secure-boot') ? 'yes' : undefined)],
      ['type', flash ? 'pflash' : 'rom'],
      ['format', given.format ?? (desc.executable.format === 'raw' ? undefined : desc.executable.format)],
      ['stateless', given.stateless],
    ]),
    children: [desc.executable.filename],
  };
  const nvram = os.nvram;
  const networkNvram = nvram?.attrs.type === 'network';
  if (flash && desc.mode === 'split' && !networkNvram) {
    const template = desc.nvramTemplate;
    const format = nvram?.attrs.format ?? (template?.format === 'qcow2' ? 'qcow2' : undefined);
    const hasSource = nvram?.children.some((c) => typeof c !== 'string' && c.name === 'source') ?? false;
    const path = textOf(nvram) || `${nvramDir}/${def.name}_VARS.${format === 'qcow2' ? 'qcow2' : 'fd'}`;
    os.nvram = {
      name: 'nvram',
      attrs: ordered([
        ['template', nvram?.attrs.template ?? template?.filename],
        ['type', nvram?.attrs.type],
        ['format', format],
      ]),
      children: hasSource ? (nvram?.children ?? []) : [path],
    };
  }
  const others = os.rest?.children.filter((c) => c.name !== 'firmware') ?? [];
  os.rest = { attrs: os.rest?.attrs ?? {}, children: [firmwareFeatures(def, desc, networkNvram), ...others] };
  const items = def.features?.items ?? [];
  if (desc.features.includes('requires-smm') && !items.some((f) => f.name === 'smm')) {
    def.features = { items: [...items, { name: 'smm', attrs: { state: 'on' }, children: [] }] };
  }
}
