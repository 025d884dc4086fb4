import type { DiskDef, XmlElement, XmlRest } from '@virtkit/core';

/** Elements called `name` anywhere below `rest` (backing stores nest their own sources). */
function elementsNamed(rest: XmlRest | undefined, name: string): XmlElement[] {
  const below = (el: XmlElement): XmlElement[] => [
    ...(el.name === name ? [el] : []),
    ...el.children.flatMap((c) => (typeof c === 'string' ? [] : below(c))),
  ];
  return rest?.children.flatMap(below) ?? [];
}

/** Well-known ports of network disk protocols (virStorageSourceNetworkDefaultPort; RBD has none). */
const DEFAULT_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  ftp: 21,
  ftps: 990,
  tftp: 69,
  sheepdog: 7000,
  nbd: 10809,
  ssh: 22,
  iscsi: 3260,
  gluster: 24007,
};

/** A network disk's TCP hosts name their port (virStorageSourceNetworkAssignDefaultPorts). */
function fillDefaultPorts(disk: DiskDef): void {
  const port = DEFAULT_PORTS[disk.source?.protocol ?? ''];
  if (disk.type !== 'network' || port === undefined) return;
  for (const host of disk.source?.rest?.children.filter((c) => c.name === 'host') ?? []) {
    if (host.attrs.port !== undefined || host.attrs.socket !== undefined) continue;
    const { name, ...others } = host.attrs;
    host.attrs = { ...(name !== undefined && { name }), port: String(port), ...others };
  }
}

/**
 * qemuDomainDeviceDiskDefPostParse: QEMU is every disk's driver, an image of unknown format is
 * raw, and LUKS encryption is done by QEMU itself unless told otherwise. vhost-user disks cannot
 * be snapshotted.
 */
export function fillDiskDefaults(disk: DiskDef): void {
  if (disk.type === 'vhostuser') {
    disk.rest = { attrs: { snapshot: 'no', ...disk.rest?.attrs }, children: disk.rest?.children ?? [] };
    return;
  }
  // A CD-ROM cannot be written, whatever the XML says.
  if (disk.device === 'cdrom') disk.readonly = true;
  const driver = { ...disk.driver };
  // 'default' is how libvirt spells "not set"; it never writes it back.
  if (driver.cache === 'default') driver.cache = undefined;
  driver.name ??= 'qemu';
  if (disk.type !== 'volume') driver.type ??= 'raw';
  disk.driver = driver;
  fillDefaultPorts(disk);
  for (const encryption of [
    ...elementsNamed(disk.rest, 'encryption'),
    ...elementsNamed(disk.source?.rest, 'encryption'),
  ]) {
    if (encryption.attrs.format === 'luks') encryption.attrs.engine ??= 'qemu';
  }
}
