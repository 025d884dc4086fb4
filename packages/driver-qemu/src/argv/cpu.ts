import type { DomainDef, XmlElement } from '@virtkit/core';
import { formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

type Props = Record<string, string | number | boolean | undefined>;

/** QOM CPU type names end in this; the model name is what precedes it. */
const CPU_TYPE_SUFFIX = /-x86_64-cpu$/;
const FALLBACK_MODEL = 'qemu64';
/** A 32-bit guest that needs CPU properties gets the 32-bit base model to hang them on. */
const I686_MODEL = 'qemu32';

/** libvirt's feature names that QEMU spells differently beyond `_` → `-`. */
const FEATURE_RENAMES: Record<string, string> = { pclmuldq: 'pclmulqdq' };
const POLICY_OFF = new Set(['disable', 'forbid']);

function featureElement(def: DomainDef, name: string): XmlElement | undefined {
  return def.features?.items.find((f) => f.name === name);
}

function elementChildren(el: XmlElement | undefined): XmlElement[] {
  return (el?.children ?? []).filter((c): c is XmlElement => typeof c !== 'string');
}

function onOff(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'on' || value === 'yes';
}

/** Enlightenments of `<hyperv>`: each `<name state=…>` is `hv-name`; a few carry a value. */
function hypervProps(hyperv: XmlElement | undefined): Props {
  if (!hyperv) return {};
  if (hyperv.attrs.mode === 'passthrough') return { 'hv-passthrough': true };
  const props: Props = {};
  for (const item of elementChildren(hyperv)) {
    if (item.attrs.state !== 'on') continue;
    if (item.name === 'spinlocks')
      props['hv-spinlocks'] = `0x${Number(item.attrs.retries ?? 0).toString(16)}`;
    else if (item.name === 'vendor_id') props['hv-vendor-id'] = item.attrs.value;
    else props[`hv-${item.name}`] = true;
    if (
      item.name === 'stimer' &&
      elementChildren(item).some((c) => c.name === 'direct' && c.attrs.state === 'on')
    ) {
      props['hv-stimer-direct'] = true;
    }
  }
  return props;
}

export function cpuArgs({ def, machine }: ArgvContext): string[] {
  const cpu = def.cpu;
  const passthrough = cpu?.mode === 'host-passthrough';
  const props: Props = { '': passthrough ? 'host' : cpu?.model };
  if (passthrough) {
    props.migratable = cpu?.migratable ?? true;
    const maxphys = cpu?.rest?.children.find((c) => c.name === 'maxphysaddr');
    if (maxphys) {
      props['host-phys-bits'] = maxphys.attrs.mode === 'passthrough';
      props['host-phys-bits-limit'] = maxphys.attrs.limit;
    }
  }
  for (const feature of cpu?.features ?? []) {
    const name = FEATURE_RENAMES[feature.name] ?? feature.name.replaceAll('_', '-');
    props[name] = !POLICY_OFF.has(feature.policy ?? 'require');
  }
  const kvmclock = def.clock.rest?.children.find((t) => t.name === 'timer' && t.attrs.name === 'kvmclock');
  if (kvmclock?.attrs.present !== undefined) props.kvmclock = kvmclock.attrs.present === 'yes';
  props['kvm-pv-eoi'] = onOff(featureElement(def, 'apic')?.attrs.eoi);
  const pvspinlock = featureElement(def, 'pvspinlock');
  if (pvspinlock) props['kvm-pv-unhalt'] = pvspinlock.attrs.state !== 'off';
  Object.assign(props, hypervProps(featureElement(def, 'hyperv')));
  if (props[''] === undefined) {
    const extras = Object.entries(props).some(([key, value]) => key !== '' && value !== undefined);
    const machineDefault = machine?.defaultCpuType?.replace(CPU_TYPE_SUFFIX, '') ?? FALLBACK_MODEL;
    props[''] = extras && def.os.arch === 'i686' ? I686_MODEL : machineDefault;
  }
  return ['-cpu', formatKeyValue(props)];
}

export function smpArgs({ def }: ArgvContext): string[] {
  const { vcpu, cpu } = def;
  const topology = cpu?.topology;
  const props = {
    '': vcpu.current ?? vcpu.count,
    maxcpus: vcpu.current !== undefined && vcpu.current !== vcpu.count ? vcpu.count : undefined,
    sockets: topology?.sockets ?? vcpu.count,
    // An explicit topology also pins dies, which QEMU would otherwise derive.
    dies: topology ? (topology.dies ?? 1) : undefined,
    cores: topology?.cores ?? 1,
    threads: topology?.threads ?? 1,
  };
  return ['-smp', formatKeyValue(props)];
}
