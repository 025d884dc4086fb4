import type { DeviceDef } from '@virtkit/core';

const DIMM_MODELS = new Set(['dimm', 'nvdimm']);

/** Hotpluggable DIMMs without an address take the lowest free memory slot (qemuDomainAssignMemorySlots). */
export function assignDimmSlots(devices: DeviceDef[]): void {
  const dimms = devices.filter(
    (d) =>
      d.kind === 'generic' && d.element.name === 'memory' && DIMM_MODELS.has(d.element.attrs.model ?? ''),
  );
  const taken = new Set(
    dimms.flatMap((d) =>
      'info' in d && d.info.address?.type === 'dimm' ? [Number(d.info.address.attrs.slot)] : [],
    ),
  );
  for (const dimm of dimms) {
    if (!('info' in dimm) || dimm.info.address) continue;
    let slot = 0;
    while (taken.has(slot)) slot++;
    taken.add(slot);
    dimm.info.address = { type: 'dimm', attrs: { slot: String(slot) } };
  }
}
