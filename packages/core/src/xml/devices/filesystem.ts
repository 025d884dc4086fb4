import type { FilesystemDef, FormatFlags, ParseFlags } from '../domain-def.js';
import { ElementReader, parseStrictInt } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import { toKiB } from '../units.js';
import { invalidAttr } from '../xml-errors.js';
import { element, type XmlElement } from '../xml-node.js';
import { DEVICE_INFO_CHILDREN, formatDeviceInfo, parseDeviceInfo } from './device-info.js';

const FILESYSTEM_SHAPE = {
  attrs: ['type', 'accessmode', 'model', 'multidevs', 'fmode', 'dmode'],
  children: [
    'driver',
    'binary',
    'source',
    'target',
    'idmap',
    'readonly',
    'space_hard_limit',
    'space_soft_limit',
    ...DEVICE_INFO_CHILDREN,
  ],
};
const SOURCE_SHAPE = { attrs: ['file', 'dir', 'dev', 'name', 'pool', 'volume', 'socket', 'usage', 'units'] };

/** fmode/dmode are octal permission bits, written as four digits. */
function parseMode(r: ElementReader, name: string): string | undefined {
  const value = r.attr(name);
  if (value === undefined) return undefined;
  if (!/^[0-7]{1,4}$/.test(value)) throw invalidAttr(name, 'filesystem', value);
  return value.padStart(4, '0');
}

export function parseFilesystem(el: XmlElement, flags: ParseFlags): FilesystemDef {
  const r = new ElementReader(el);
  const type = r.attr('type') ?? 'mount';
  const givenAccessmode = r.attr('accessmode');
  const fmode = parseMode(r, 'fmode');
  const dmode = parseMode(r, 'dmode');
  const s = r.childReader('source');
  const source: Record<string, string> = {};
  let ramUsageKiB: number | undefined;
  for (const [k, v] of Object.entries(s?.el.attrs ?? {})) {
    if (k === 'units') continue;
    s?.attr(k);
    if (k === 'usage' && type === 'ram') ramUsageKiB = toKiB(parseStrictInt(v) ?? 0, s?.attr('units'));
    else source[k] = v;
  }
  // A filesystem served by an external virtiofsd (source socket) has no access mode of its own.
  const accessmode = givenAccessmode ?? (source.socket === undefined ? 'passthrough' : undefined);
  const targetDir = r.child('target')?.attrs.dir;
  const readonly = r.child('readonly') !== undefined;
  const info = parseDeviceInfo(r, flags);
  return {
    kind: 'filesystem',
    type,
    accessmode,
    fmode,
    dmode,
    source,
    sourceRest: s?.rest(),
    ramUsageKiB,
    targetDir,
    readonly,
    info,
    rest: r.rest(),
  };
}

export function formatFilesystem(fs: FilesystemDef, flags: FormatFlags): XmlElement {
  const ram = fs.ramUsageKiB === undefined ? {} : { usage: fs.ramUsageKiB, units: 'KiB' };
  const hasSource = Object.keys(fs.source).length > 0 || fs.ramUsageKiB !== undefined || fs.sourceRest;
  return shapedElement(
    FILESYSTEM_SHAPE,
    'filesystem',
    { type: fs.type, accessmode: fs.accessmode, fmode: fs.fmode, dmode: fs.dmode },
    [
      hasSource && shapedElement(SOURCE_SHAPE, 'source', { ...fs.source, ...ram }, [], fs.sourceRest),
      fs.targetDir !== undefined && element('target', { dir: fs.targetDir }),
      fs.readonly && element('readonly'),
      ...formatDeviceInfo(fs.info, flags),
    ],
    fs.rest,
  );
}
