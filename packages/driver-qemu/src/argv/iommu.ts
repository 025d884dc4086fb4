import type { XmlElement } from '@virtkit/core';
import { formatJson, type OptionValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

type Conv = (value: string) => OptionValue;
const asSwitch: Conv = (v) => v;
const asBool: Conv = (v) => v === 'on';
const asNumber: Conv = (v) => Number(v);

/** intel-iommu `<driver>` attributes: QEMU takes some as on/off strings, some as booleans. */
const INTEL_OPTIONS: [xml: string, qemu: string, conv: Conv][] = [
  ['intremap', 'intremap', asSwitch],
  ['caching_mode', 'caching-mode', asBool],
  ['eim', 'eim', asSwitch],
  ['iotlb', 'device-iotlb', asBool],
  ['aw_bits', 'aw-bits', asNumber],
];

/** The guest IOMMU, which must exist before the devices it translates for. */
export function iommuArgs(ctx: ArgvContext): string[] {
  const iommus = ctx.def.devices.flatMap((d) =>
    d.kind === 'generic' && d.element.name === 'iommu' ? [d.element] : [],
  );
  return iommus.flatMap((el, n) => {
    if (el.attrs.model !== 'intel') return [];
    const driver = el.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'driver');
    const props: Record<string, OptionValue> = { driver: 'intel-iommu', id: `iommu${n}` };
    for (const [xml, qemu, conv] of INTEL_OPTIONS) {
      const value = driver?.attrs[xml];
      if (value !== undefined) props[qemu] = conv(value);
    }
    return ['-device', formatJson(props)];
  });
}
