import type { FeaturesDef } from '../domain-def.js';
import { applyShape } from '../element-shape.js';
import { childElements, cloneElement, element, type XmlElement } from '../xml-node.js';

/** virDomainFeature order, in which libvirt writes `<features>` children. */
const FEATURES_SHAPE = {
  children: [
    'acpi',
    'apic',
    'pae',
    'hap',
    'viridian',
    'privnet',
    'hyperv',
    'kvm',
    'pvspinlock',
    'capabilities',
    'pmu',
    'vmport',
    'gic',
    'smm',
    'ioapic',
    'hpt',
    'vmcoreinfo',
    'htm',
    'nested-hv',
    'msrs',
    'ccf-assist',
    'xen',
    'cfpc',
    'sbbc',
    'ibs',
    'tcg',
    'async-teardown',
  ],
};

export function parseFeatures(el: XmlElement): FeaturesDef {
  return { items: childElements(el).map(cloneElement) };
}

export function formatFeatures(features: FeaturesDef): XmlElement {
  return applyShape(element('features', {}, features.items), FEATURES_SHAPE);
}

/** Whether a feature is present and not switched off (`<pae/>`, `<pmu state='on'/>`, …). */
export function hasFeature(features: FeaturesDef | undefined, name: string): boolean {
  const item = features?.items.find((f) => f.name === name);
  return item !== undefined && item.attrs.state !== 'off';
}
