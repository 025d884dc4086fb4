import type { Domain } from '@virtkit/core';
import { loadCore } from '../connect.js';

/** One `domblklist` row; `source` is null where virsh prints "-". */
export interface DiskRow {
  type: string;
  device: string;
  target: string;
  source: string | null;
}

/** One `domiflist` row; null where virsh prints "-". */
export interface InterfaceRow {
  target: string | null;
  type: string;
  source: string | null;
  model: string | null;
  mac: string | null;
}

/** The first source attribute virsh's XPath would pick, in its order. */
function firstOf(
  source: Record<string, string | undefined> | undefined,
  keys: readonly string[],
): string | null {
  for (const key of keys) {
    const value = source?.[key];
    if (value) return value;
  }
  return null;
}

/** A domain's disks and interfaces, read from its (live or inactive) XML by core's parser. */
export async function domainDevices(
  domain: Domain,
  inactive: boolean,
): Promise<{ disks: DiskRow[]; interfaces: InterfaceRow[] }> {
  const { parseDomainXml } = await loadCore();
  const def = parseDomainXml(await domain.getXmlDesc({ inactive }));
  const disks: DiskRow[] = [];
  const interfaces: InterfaceRow[] = [];
  for (const device of def.devices) {
    if (device.kind === 'disk') {
      const { file, dev, dir, name, volume } = device.source ?? {};
      const source = { file, dev, dir, name, volume, path: device.source?.rest?.attrs.path };
      disks.push({
        type: device.type,
        device: device.device,
        target: device.target.dev,
        source: firstOf(source, ['file', 'dev', 'dir', 'name', 'volume', 'path']),
      });
    } else if (device.kind === 'interface') {
      interfaces.push({
        target: device.targetDev ?? null,
        type: device.type,
        source: firstOf(device.source, ['bridge', 'dev', 'network', 'name', 'path']),
        model: device.model ?? null,
        mac: device.mac || null,
      });
    }
  }
  return { disks, interfaces };
}
