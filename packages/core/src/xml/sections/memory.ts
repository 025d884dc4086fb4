import type { MemoryDef, VcpuDef } from '../domain-def.js';
import { ElementReader, parseStrictInt } from '../element-reader.js';
import { toKiB } from '../units.js';
import { xmlError } from '../xml-errors.js';
import { element, textElement, type XmlElement } from '../xml-node.js';

/** Reads a scaled size element (`<memory unit='GiB'>4</memory>`) into KiB. */
function parseScaledKiB(el: XmlElement): number {
  const r = new ElementReader(el);
  const text = r.text();
  const n = parseStrictInt(text);
  if (n === undefined || n < 0)
    throw xmlError(`Invalid value '${text}' for element or attribute './${el.name}[1]'`);
  return toKiB(n, r.attr('unit'));
}

export function parseMemory(
  memory: XmlElement | undefined,
  current: XmlElement | undefined,
  max: XmlElement | undefined,
): MemoryDef {
  if (!memory) throw xmlError("missing element or attribute './memory[1]'");
  const memoryKiB = parseScaledKiB(memory);
  const currentKiB = current ? parseScaledKiB(current) : 0;
  const def: MemoryDef = {
    memoryKiB,
    dumpCore: new ElementReader(memory).onOff('dumpCore'),
    // A balloon of 0 or above the maximum means "all of it" (virDomainDefPostParseMemory).
    currentMemoryKiB: currentKiB === 0 || currentKiB > memoryKiB ? memoryKiB : currentKiB,
  };
  if (max) {
    def.maxMemoryKiB = parseScaledKiB(max);
    def.maxMemorySlots = new ElementReader(max).uint('slots');
  }
  return def;
}

/** `<maxMemory>`, `<memory>` and `<currentMemory>`, as libvirt writes them (always KiB). */
export function formatMemory(mem: MemoryDef): { max?: XmlElement; memory: XmlElement; current: XmlElement } {
  const dumpCore = mem.dumpCore === undefined ? undefined : mem.dumpCore ? 'on' : 'off';
  return {
    max:
      mem.maxMemoryKiB === undefined
        ? undefined
        : textElement('maxMemory', mem.maxMemoryKiB, { slots: mem.maxMemorySlots, unit: 'KiB' }),
    memory: element('memory', { unit: 'KiB', dumpCore }, [String(mem.memoryKiB)]),
    current: element('currentMemory', { unit: 'KiB' }, [String(mem.currentMemoryKiB)]),
  };
}

export function parseVcpu(el: XmlElement | undefined): VcpuDef {
  if (!el) return { count: 1, placement: 'static' };
  const r = new ElementReader(el);
  const text = r.text();
  const count = parseStrictInt(text);
  if (count === undefined || count < 1) throw xmlError('maximum vcpus count must be an integer');
  const current = r.uint('current');
  return {
    count,
    placement: r.enumAttr('placement', ['static', 'auto'] as const) ?? 'static',
    cpuset: r.attr('cpuset'),
    current: current !== undefined && current < count ? current : undefined,
  };
}

export function formatVcpu(vcpu: VcpuDef): XmlElement {
  return element('vcpu', { placement: vcpu.placement, cpuset: vcpu.cpuset, current: vcpu.current }, [
    String(vcpu.count),
  ]);
}
