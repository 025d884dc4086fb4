import type { HostCell, HostFacts, XmlElement } from '@virtkit/core';
import { el } from './element.js';

/** What the host section needs besides the host itself. */
export interface HostContext {
  /** RDMA migration is offered when the default emulator can do it. */
  rdma: boolean;
  /** The user and group QEMU runs as (DAC's base label). */
  uid: number;
  gid: number;
}

/** `/sys/power/state` words → libvirt's suspend targets. */
const SUSPEND_TARGETS: readonly [string, string][] = [
  ['mem', 'suspend_mem'],
  ['disk', 'suspend_disk'],
];

function cpuXml(facts: HostFacts): XmlElement {
  const { cpu, topology } = facts;
  return el(
    'cpu',
    {},
    el('arch', {}, facts.arch),
    cpu.vendor !== undefined && el('vendor', {}, cpu.vendor),
    cpu.microcode !== undefined && el('microcode', { version: cpu.microcode }),
    cpu.signature && el('signature', cpu.signature),
    cpu.tscHz !== undefined &&
      el('counter', { name: 'tsc', frequency: cpu.tscHz, scaling: cpu.tscScaling ? 'yes' : 'no' }),
    el('topology', topology),
    cpu.physBits !== undefined && el('maxphysaddr', { mode: 'emulate', bits: cpu.physBits }),
    ...cpu.features.map((name) => el('feature', { name })),
    ...facts.pageSizesKiB.map((size) => el('pages', { unit: 'KiB', size })),
  );
}

function cellXml(cell: HostCell, pageSizesKiB: readonly number[]): XmlElement {
  return el(
    'cell',
    { id: cell.id },
    el('memory', { unit: 'KiB' }, String(cell.memoryKiB)),
    ...pageSizesKiB.map((size, i) => el('pages', { unit: 'KiB', size }, String(cell.pages[i] ?? 0))),
    el('distances', {}, ...cell.distances.map(({ id, value }) => el('sibling', { id, value }))),
    el(
      'cpus',
      { num: cell.cpus.length },
      ...cell.cpus.map((cpu) =>
        el('cpu', {
          id: cpu.id,
          socket_id: cpu.socketId,
          die_id: cpu.dieId,
          core_id: cpu.coreId,
          siblings: cpu.siblings,
        }),
      ),
    ),
  );
}

/** The largest unit that states a cache size exactly, as libvirt prints it. */
function sizeWithUnit(bytes: number): { size: number; unit: string } {
  for (const [unit, factor] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return { size: bytes / factor, unit };
  }
  return { size: bytes, unit: 'B' };
}

function secmodels(context: HostContext): XmlElement[] {
  const label = `+${context.uid}:+${context.gid}`;
  return [
    el('secmodel', {}, el('model', {}, 'none'), el('doi', {}, '0')),
    el(
      'secmodel',
      {},
      el('model', {}, 'dac'),
      el('doi', {}, '0'),
      el('baselabel', { type: 'kvm' }, label),
      el('baselabel', { type: 'qemu' }, label),
    ),
  ];
}

/** The `<host>` of libvirt's capabilities (virCapabilitiesFormatHostXML's order). */
export function hostXml(facts: HostFacts, context: HostContext): XmlElement {
  const suspend = SUSPEND_TARGETS.filter(([word]) => facts.suspendTargets.includes(word)).map(
    ([, name]) => name,
  );
  if (suspend.length === 2) suspend.push('suspend_hybrid');
  return el(
    'host',
    {},
    el('uuid', {}, facts.uuid),
    cpuXml(facts),
    el('power_management', {}, ...suspend.map((name) => el(name))),
    el('iommu', { support: facts.iommu ? 'yes' : 'no' }),
    el(
      'migration_features',
      {},
      el('live'),
      el(
        'uri_transports',
        {},
        el('uri_transport', {}, 'tcp'),
        context.rdma && el('uri_transport', {}, 'rdma'),
      ),
    ),
    facts.cells.length > 0 &&
      el(
        'topology',
        {},
        el('cells', { num: facts.cells.length }, ...facts.cells.map((c) => cellXml(c, facts.pageSizesKiB))),
      ),
    facts.caches.length > 0 &&
      el(
        'cache',
        {},
        ...facts.caches.map((bank) =>
          el('bank', {
            id: bank.id,
            level: bank.level,
            type: bank.type,
            ...sizeWithUnit(bank.bytes),
            cpus: bank.cpus,
          }),
        ),
      ),
    ...secmodels(context),
  );
}
