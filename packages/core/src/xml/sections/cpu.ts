import type { CpuDef } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import { element, textElement, type XmlElement } from '../xml-node.js';

const CPU_SHAPE = {
  attrs: ['mode', 'match', 'check', 'migratable'],
  children: ['model', 'vendor', 'topology', 'cache', 'maxphysaddr', 'feature', 'numa'],
};

export function parseCpu(el: XmlElement): CpuDef {
  const r = new ElementReader(el);
  const model = r.childReader('model');
  const t = r.childReader('topology');
  const cpu: CpuDef = {
    mode: r.attr('mode'),
    match: r.attr('match'),
    check: r.attr('check'),
    migratable: r.onOff('migratable'),
    model: model?.text() || undefined,
    modelFallback: model?.attr('fallback'),
    modelVendorId: model?.attr('vendor_id'),
    vendor: r.childText('vendor'),
    topology: t && {
      sockets: t.uint('sockets') ?? 1,
      // libvirt 9 fills in one die per socket when unspecified.
      dies: t.uint('dies') ?? 1,
      clusters: t.uint('clusters'),
      cores: t.uint('cores') ?? 1,
      threads: t.uint('threads') ?? 1,
    },
    features: r.children('feature').map((f) => ({ name: f.attrs.name ?? '', policy: f.attrs.policy })),
  };
  if (cpu.model !== undefined && cpu.mode === undefined) cpu.mode = 'custom';
  if (cpu.model !== undefined && cpu.mode === 'custom') cpu.match ??= 'exact';
  cpu.rest = r.rest();
  return cpu;
}

export function formatCpu(cpu: CpuDef): XmlElement {
  const { topology: t } = cpu;
  const fallback = cpu.modelFallback ?? (cpu.mode === 'custom' ? 'allow' : undefined);
  return shapedElement(
    CPU_SHAPE,
    'cpu',
    {
      mode: cpu.mode,
      match: cpu.match,
      check: cpu.check,
      migratable: cpu.migratable === undefined ? undefined : cpu.migratable ? 'on' : 'off',
    },
    [
      cpu.model !== undefined && textElement('model', cpu.model, { fallback, vendor_id: cpu.modelVendorId }),
      textElement('vendor', cpu.vendor),
      t &&
        element('topology', {
          sockets: t.sockets,
          dies: t.dies,
          clusters: t.clusters,
          cores: t.cores,
          threads: t.threads,
        }),
      ...cpu.features.map((f) => element('feature', { policy: f.policy, name: f.name })),
    ],
    cpu.rest,
  );
}
