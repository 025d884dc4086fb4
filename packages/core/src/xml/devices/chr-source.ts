import type { ChrSource, FormatFlags, ParseFlags } from '../domain-def.js';
import { ElementReader } from '../element-reader.js';
import { shapedElement } from '../element-shape.js';
import { internalError, xmlError } from '../xml-errors.js';
import { element, type XmlElement } from '../xml-node.js';

const SOURCE_SHAPE = {
  attrs: ['mode', 'path', 'append', 'host', 'service', 'tls', 'channel', 'master', 'slave'],
  children: ['reconnect', 'seclabel'],
};

const SOCKET_TYPES = new Set(['tcp', 'unix']);
const PATH_TYPES = new Set(['file', 'dev', 'pipe', 'pty', 'unix']);

function parseMode(r: ElementReader): 'connect' | 'bind' | undefined {
  return r.enumAttr('mode', ['connect', 'bind'] as const);
}

function parseReconnect(r: ElementReader, src: ChrSource): void {
  const reconnect = r.child('reconnect');
  if (!reconnect) return;
  const rr = new ElementReader(reconnect);
  const enabled = rr.yesNo('enabled') ?? false;
  const timeout = rr.uint('timeout');
  if (enabled && timeout === undefined) throw xmlError('missing timeout for chardev with reconnect enabled');
  src.reconnect = { enabled, timeout: enabled ? timeout : undefined };
}

/** UDP has a connect end and an optional bind end, one `<source>` each. */
function parseUdpSources(sources: XmlElement[], src: ChrSource): void {
  const seen = new Set<string>();
  for (const el of sources) {
    const r = new ElementReader(el);
    const mode = parseMode(r) ?? 'connect';
    if (seen.has(mode)) throw xmlError('only one source element is allowed for character device');
    seen.add(mode);
    if (mode === 'bind') {
      src.bindHost = r.attr('host');
      src.bindService = r.attr('service');
    } else {
      src.host = r.attr('host');
      src.service = r.attr('service');
    }
  }
}

/**
 * Reads a character device backend from the element that carries `type` (virDomainChrSourceDefParseXML):
 * its `<source>`, `<protocol>` and `<log>` children.
 */
export function parseChrSource(r: ElementReader, type: string, flags: ParseFlags): ChrSource {
  const src: ChrSource = { type };
  const sources = r.children('source');
  if (type === 'udp') {
    parseUdpSources(sources, src);
  } else if (sources.length > 1) {
    throw xmlError('only one source element is allowed for character device');
  }
  const source = sources[0];
  if (source && type !== 'udp') {
    const s = new ElementReader(source);
    if (SOCKET_TYPES.has(type)) src.mode = parseMode(s) ?? 'connect';
    else s.attr('mode');
    // A pty's path is assigned at runtime.
    const path = s.attr('path');
    if (PATH_TYPES.has(type) && !(type === 'pty' && flags.inactive)) src.path = path;
    if (type === 'tcp') {
      src.host = s.attr('host');
      src.service = s.attr('service');
    }
    if (type === 'spiceport' || type === 'dbus') src.channel = s.attr('channel');
    if (SOCKET_TYPES.has(type)) parseReconnect(s, src);
    src.sourceRest = s.rest();
  } else if (SOCKET_TYPES.has(type)) {
    src.mode = 'connect';
  }
  // Only tcp has a wire protocol; libvirt ignores the element elsewhere.
  const [protocol] = r.children('protocol');
  if (type === 'tcp') src.protocol = protocol?.attrs.type ?? 'raw';
  return src;
}

function formatReconnect(src: ChrSource): XmlElement | undefined {
  if (!src.reconnect) return undefined;
  return element('reconnect', { enabled: src.reconnect.enabled, timeout: src.reconnect.timeout });
}

function sourceElement(
  attrs: Record<string, string | undefined>,
  src: ChrSource,
  withChildren: boolean,
): XmlElement {
  const children = withChildren ? [formatReconnect(src)] : [];
  return shapedElement(SOURCE_SHAPE, 'source', attrs, children, withChildren ? src.sourceRest : undefined);
}

/** The elements virDomainChrSourceDefFormat writes for a backend: `<source>`s, then `<protocol>`. */
export function formatChrSource(src: ChrSource, flags: FormatFlags): XmlElement[] {
  switch (src.type) {
    case 'udp': {
      const out: XmlElement[] = [];
      if (src.bindHost !== undefined || src.bindService !== undefined) {
        out.push(sourceElement({ mode: 'bind', host: src.bindHost, service: src.bindService }, src, false));
      }
      out.push(sourceElement({ mode: 'connect', host: src.host, service: src.service }, src, true));
      return out;
    }
    case 'tcp':
      return [
        sourceElement({ mode: src.mode, host: src.host, service: src.service }, src, true),
        element('protocol', { type: src.protocol ?? 'raw' }),
      ];
    case 'unix':
      return src.path === undefined ? [] : [sourceElement({ mode: src.mode, path: src.path }, src, true)];
    case 'pty':
      return src.path === undefined || flags.inactive ? [] : [sourceElement({ path: src.path }, src, true)];
    case 'spiceport':
    case 'dbus':
      return src.channel === undefined ? [] : [sourceElement({ channel: src.channel }, src, true)];
    default:
      if (src.path === undefined && !src.sourceRest) return [];
      return [sourceElement({ path: src.path }, src, true)];
  }
}

/** libvirt's checks of a backend (virDomainChrSourceDefValidate). `autoPath`: a channel whose path libvirt may generate. */
export function validateChrSource(src: ChrSource, autoPath = false): void {
  const missing = (what: string) => internalError(`Missing source ${what} attribute for char device`);
  switch (src.type) {
    case 'file':
    case 'dev':
    case 'pipe':
      if (src.path === undefined) throw missing('path');
      break;
    case 'tcp':
      if (src.host === undefined) throw missing('host');
      if (src.service === undefined) throw missing('service');
      if (src.mode === 'bind' && src.reconnect?.enabled) {
        throw internalError('chardev reconnect is possible only for connect mode');
      }
      break;
    case 'udp':
      if (src.service === undefined) throw missing('service');
      break;
    case 'unix':
      if (src.path === undefined && !autoPath) throw missing('path');
      if (src.mode === 'bind' && src.reconnect?.enabled) {
        throw internalError('chardev reconnect is possible only for connect mode');
      }
      break;
  }
}
