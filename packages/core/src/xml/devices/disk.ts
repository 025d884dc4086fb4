import { VirtError } from '../../errors/index.js';
import type { DiskDef, FormatFlags, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import { element, textElement, type XmlElement } from '../xml-node.js';
import { DEVICE_INFO_CHILDREN, formatDeviceInfo, parseDeviceInfo } from './device-info.js';

const DISK_SHAPE = {
  attrs: ['type', 'device', 'model', 'rawio', 'sgio', 'snapshot'],
  children: [
    'driver',
    'auth',
    'source',
    'backingStore',
    'backenddomain',
    'geometry',
    'blockio',
    'mirror',
    'target',
    'iotune',
    'throttlefilters',
    'readonly',
    'shareable',
    'transient',
    'serial',
    'wwn',
    'vendor',
    'product',
    'encryption',
    ...DEVICE_INFO_CHILDREN,
  ],
};
const DRIVER_SHAPE = {
  attrs: [
    'name',
    'type',
    'cache',
    'error_policy',
    'rerror_policy',
    'io',
    'ioeventfd',
    'event_idx',
    'copy_on_read',
    'discard',
    'iothread',
    'detect_zeroes',
    'queues',
    'queue_size',
  ],
};
const SOURCE_SHAPE = {
  attrs: [
    'file',
    'dev',
    'dir',
    'protocol',
    'name',
    'pool',
    'volume',
    'mode',
    'query',
    'tls',
    'startupPolicy',
    'index',
  ],
};
const TARGET_SHAPE = { attrs: ['dev', 'bus', 'tray', 'removable', 'rotation_rate'] };

/** Bus implied by a target name's prefix when `bus` is absent (virDomainDiskDefParseXML). */
const BUS_BY_PREFIX: [string, string][] = [
  ['hd', 'ide'],
  ['sd', 'scsi'],
  ['vd', 'virtio'],
  ['xvd', 'xen'],
  ['ubd', 'uml'],
];

function defaultBus(dev: string, device: string): string {
  if (device === 'floppy') return 'fdc';
  return BUS_BY_PREFIX.find(([prefix]) => dev.startsWith(prefix))?.[1] ?? 'ide';
}

export function parseDisk(el: XmlElement, flags: ParseFlags): DiskDef {
  const r = new ElementReader(el);
  const type = r.attr('type') ?? 'file';
  const device = r.attr('device') ?? 'disk';
  const d = r.childReader('driver');
  let driver: DiskDef['driver'];
  if (d) {
    driver = {
      name: d.attr('name'),
      type: d.attr('type'),
      cache: d.attr('cache'),
      io: d.attr('io'),
      rest: d.rest(),
    };
  }
  const s = r.childReader('source');
  let source: DiskDef['source'];
  if (s) {
    source = {
      file: s.attr('file'),
      dev: s.attr('dev'),
      dir: s.attr('dir'),
      protocol: s.attr('protocol'),
      name: s.attr('name'),
      pool: s.attr('pool'),
      volume: s.attr('volume'),
      startupPolicy: s.attr('startupPolicy'),
    };
    // The index of a source in the backing chain is runtime data.
    if (flags.inactive) s.attr('index');
    source.rest = s.rest();
  }
  const targetEl = r.child('target');
  const dev = targetEl?.attrs.dev;
  if (!targetEl || dev === undefined) {
    const what = source?.file ?? source?.dev ?? source?.dir ?? source?.name;
    throw new VirtError('NO_TARGET', what, { domain: 'DOMAIN' });
  }
  const t = new ElementReader(targetEl);
  t.attr('dev');
  const target = { dev, bus: t.attr('bus') ?? defaultBus(dev, device), tray: t.attr('tray'), rest: t.rest() };
  const readonly = r.child('readonly') !== undefined;
  const shareable = r.child('shareable') !== undefined;
  const serial = r.childText('serial');
  const info = parseDeviceInfo(r, flags);
  return {
    kind: 'disk',
    type,
    device,
    driver,
    source,
    target,
    readonly,
    shareable,
    serial,
    info,
    rest: r.rest(),
  };
}

export function formatDisk(disk: DiskDef, flags: FormatFlags): XmlElement {
  const { driver, source, target } = disk;
  const { file, dev, dir, protocol, name, pool, volume, startupPolicy } = source ?? {};
  return shapedElement(
    DISK_SHAPE,
    'disk',
    { type: disk.type, device: disk.device },
    [
      driver &&
        shapedElement(
          DRIVER_SHAPE,
          'driver',
          { name: driver.name, type: driver.type, cache: driver.cache, io: driver.io },
          [],
          driver.rest,
        ),
      source &&
        shapedElement(
          SOURCE_SHAPE,
          'source',
          { file, dev, dir, protocol, name, pool, volume, startupPolicy },
          [],
          source.rest,
        ),
      shapedElement(
        TARGET_SHAPE,
        'target',
        { dev: target.dev, bus: target.bus, tray: target.tray },
        [],
        target.rest,
      ),
      disk.readonly && element('readonly'),
      disk.shareable && element('shareable'),
      textElement('serial', disk.serial),
      ...formatDeviceInfo(disk.info, flags),
    ],
    disk.rest,
  );
}

/** virDiskNameToIndex: 'hda' → 0, 'sdz' → 25, 'vdaa' → 26. */
export function diskNameToIndex(name: string): number | undefined {
  const m = /^(?:hd|sd|vd|xvd|ubd|fd)([a-z]+)\d*$/.exec(name);
  if (!m?.[1]) return undefined;
  let idx = 0;
  for (const ch of m[1]) idx = idx * 26 + (ch.charCodeAt(0) - 96);
  return idx - 1;
}

/**
 * Drive coordinates libvirt assigns to a disk on an ide/sata/fdc/scsi bus (virDomainDiskDefAssignAddress);
 * whether it gave the disk one (not when it already had an address).
 */
export function assignDriveAddress(disk: DiskDef): boolean {
  if (disk.info.address) return false;
  const idx = diskNameToIndex(disk.target.dev);
  if (idx === undefined) return false;
  const layouts: Record<string, [controller: number, bus: number, unit: number]> = {
    ide: [Math.floor(idx / 4), Math.floor((idx % 4) / 2), idx % 2],
    sata: [Math.floor(idx / 6), 0, idx % 6],
    fdc: [Math.floor(idx / 2), 0, idx % 2],
    scsi: [Math.floor(idx / 7), 0, idx % 7],
  };
  const layout = layouts[disk.target.bus ?? ''];
  if (!layout) return false;
  const [controller, bus, unit] = layout.map(String) as [string, string, string];
  disk.info.address = { type: 'drive', attrs: { controller, bus, target: '0', unit } };
  return true;
}
