import type { ChardevDef, ChardevKind, FormatFlags, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import type { XmlElement } from '../xml-node.js';
import { formatChrSource, parseChrSource, validateChrSource } from './chr-source.js';
import { DEVICE_INFO_CHILDREN, formatDeviceInfo, parseDeviceInfo } from './device-info.js';

const CHARDEV_SHAPE = {
  attrs: ['type', 'tty'],
  children: ['source', 'protocol', 'log', 'target', ...DEVICE_INFO_CHILDREN],
};
const TARGET_SHAPE = { attrs: ['type', 'address', 'port', 'name', 'state'] };

export const CHARDEV_KINDS: readonly ChardevKind[] = ['serial', 'parallel', 'console', 'channel'];

/** A channel of these target types may leave its unix socket path to libvirt. */
const AUTO_PATH_TARGETS = new Set(['virtio', 'xen']);

export function parseChardev(el: XmlElement, flags: ParseFlags): ChardevDef {
  const r = new ElementReader(el);
  const kind = el.name as ChardevKind;
  const source = parseChrSource(r, r.attr('type') ?? 'pty', flags);
  const t = r.childReader('target');
  let target: ChardevDef['target'];
  if (t) {
    target = { type: t.attr('type'), port: t.uint('port'), name: t.attr('name'), rest: t.rest() };
  }
  const info = parseDeviceInfo(r, flags);
  validateChrSource(source, kind === 'channel' && AUTO_PATH_TARGETS.has(target?.type ?? ''));
  return { kind, source, target, info, rest: r.rest() };
}

export function formatChardev(dev: ChardevDef, flags: FormatFlags): XmlElement {
  const t = dev.target;
  const target =
    t && shapedElement(TARGET_SHAPE, 'target', { type: t.type, port: t.port, name: t.name }, [], t.rest);
  return shapedElement(
    CHARDEV_SHAPE,
    dev.kind,
    { type: dev.source.type },
    [...formatChrSource(dev.source, flags), target, ...formatDeviceInfo(dev.info, flags)],
    dev.rest,
  );
}

/** Serial, parallel and console ports left unnumbered get the next free one (virDomainChrDefPostParse). */
export function assignChardevPorts(devices: readonly ChardevDef[]): void {
  for (const kind of ['serial', 'parallel', 'console'] as const) {
    const same = devices.filter((d) => d.kind === kind);
    for (const dev of same) {
      if (dev.target?.port !== undefined) continue;
      if (kind === 'console' && dev.target?.type !== 'serial') continue;
      const max = Math.max(-1, ...same.map((d) => d.target?.port ?? -1));
      dev.target = { ...dev.target, port: max + 1 };
    }
  }
}
