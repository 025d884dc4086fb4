import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import {
  DOMAIN_STATES,
  generateUuid,
  type NodeInfo,
  parseUuid,
  readXml,
  STATE_REASONS,
  type StateWithReason,
  VirtError,
  type XmlElement,
} from '@virtkit/core';
import { DEFAULT_NODE_INFO, type NumaCell } from './default-node.js';
import { type ScannedElement, scanXml } from './node-scanner.js';
import { type StoragePool, TestNode } from './test-node.js';

/** The children of a domain, network, … the loader reads without parsing the whole element. */
const FIELDS = ['name', 'uuid', 'test:runstate', 'test:transient', 'test:hasmanagedsave'];

/** `<cpu>` children of a node file, as testParseNodeInfo reads them. */
const CPU_FIELDS = ['nodes', 'sockets', 'cores', 'threads', 'active', 'mhz'] as const;

function xmlError(detail: string): VirtError {
  return new VirtError('XML_ERROR', detail, { domain: 'TEST' });
}

function readDocument(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new VirtError('XML_ERROR', `failed to parse xml document '${path}'`, { domain: 'XML', cause });
  }
}

/** Reads a file and checks its root element, as virXMLParse does for the root it expects. */
function scanFile(path: string, rootName: string): ScannedElement {
  const { root } = scanXml(readDocument(path), path, FIELDS);
  if (root.name !== rootName) throw xmlError(`expecting root element of '${rootName}', not '${root.name}'`);
  return root;
}

/** A `file=` reference, relative to the node file's directory (testBuildFilename). */
function resolvePath(ref: string, file: string | undefined): string {
  return isAbsolute(ref) || file === undefined ? ref : join(dirname(file), ref);
}

/** An element written inline, or `<x file='…'/>` naming a file of its own. */
function inlineOrFile(el: ScannedElement, file: string | undefined): ScannedElement {
  const ref = el.attrs.file;
  return ref === undefined ? el : scanFile(resolvePath(ref, file), el.name);
}

function textOf(el: XmlElement): string {
  return el.children.filter((c): c is string => typeof c === 'string').join('');
}

function childElement(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

function childText(el: XmlElement, name: string): string | undefined {
  const child = childElement(el, name);
  return child && textOf(child);
}

function parseLong(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  if (!Number.isInteger(value)) throw xmlError(`invalid node ${what} value`);
  return value;
}

/** testParseNodeInfo: each value the node gives replaces the default; cpus follow the topology. */
function parseNodeInfo(cpu: ScannedElement | undefined, memory: ScannedElement | undefined): NodeInfo {
  const info = { ...DEFAULT_NODE_INFO };
  if (cpu) {
    const el = readXml(cpu.text, 'node');
    const values = Object.fromEntries(
      CPU_FIELDS.map((field) => [field, parseLong(childText(el, field), `cpu ${field}`)]),
    ) as Record<(typeof CPU_FIELDS)[number], number | undefined>;
    info.nodes = values.nodes ?? info.nodes;
    info.sockets = values.sockets ?? info.sockets;
    info.cores = values.cores ?? info.cores;
    info.threads = values.threads ?? info.threads;
    info.cpus = info.cores * info.threads * info.sockets * info.nodes;
    if (values.active !== undefined && values.active < info.cpus) info.cpus = values.active;
    info.mhz = values.mhz ?? info.mhz;
    info.model = childText(el, 'model') ?? info.model;
  }
  if (memory) {
    info.memoryKiB = parseLong(textOf(readXml(memory.text, 'node')), 'memory') ?? info.memoryKiB;
  }
  return info;
}

/** The state a node file gives a domain (`<test:runstate>`, running by default), with reason unknown. */
function runState(el: ScannedElement): StateWithReason {
  const text = el.fields.get('test:runstate');
  if (text === undefined) return { state: 'running', reason: 'unknown' };
  if (!/^\s*\d+\s*$/.test(text)) throw xmlError('invalid runstate');
  const state = DOMAIN_STATES[Number(text)];
  if (state === undefined) throw xmlError(`runstate '${Number(text)}' out of range'`);
  return { state, reason: STATE_REASONS[state][0] } as StateWithReason;
}

function loadDomain(node: TestNode, el: ScannedElement): void {
  const name = el.fields.get('name');
  if (!name) throw new VirtError('NO_NAME', undefined, { domain: 'DOMAIN' });
  const uuidText = el.fields.get('uuid');
  const uuid = uuidText ? parseUuid(uuidText) : generateUuid();
  const state = runState(el);
  const transient = el.fields.has('test:transient');
  const managedSave = el.fields.has('test:hasmanagedsave');
  if (transient && state.state === 'shutoff')
    throw xmlError("transient domain cannot have runstate 'shutoff'");
  if (managedSave && state.state !== 'shutoff') {
    throw xmlError("domain with managedsave data can only have runstate 'shutoff'");
  }
  const { domain } = node.add(name, uuid, { xml: el.text }, { live: false });
  domain.persistent = !transient;
  domain.managedSave = managedSave;
  // The file records the state as it was; libvirt restores it with reason 0 and raises no event.
  domain.state = state;
  if (domain.active) domain.id = node.takeId();
}

function volumePath(pool: XmlElement, volume: XmlElement): string {
  const target = childElement(pool, 'target');
  const explicit = childElement(volume, 'target');
  const path = explicit && childText(explicit, 'path');
  return path ?? `${(target && childText(target, 'path')) ?? ''}/${childText(volume, 'name') ?? ''}`;
}

function loadPool(el: ScannedElement, file: string | undefined): StoragePool {
  const pool = readXml(el.text, 'pool');
  const volumes = pool.children
    .filter((c): c is XmlElement => typeof c !== 'string' && c.name === 'volume')
    .map((v) =>
      v.attrs.file === undefined ? v : readXml(readDocument(resolvePath(v.attrs.file, file)), 'volume'),
    )
    .map((v) => ({ name: childText(v, 'name') ?? '', path: volumePath(pool, v) }));
  return { ...objectFacts(el), type: pool.attrs.type ?? '', volumes };
}

function objectFacts(el: ScannedElement) {
  const uuid = el.fields.get('uuid');
  return {
    name: el.fields.get('name') ?? el.attrs.name ?? '',
    ...(uuid ? { uuid: parseUuid(uuid) } : {}),
    active: true,
    autostart: false,
    persistent: true,
    xml: el.text,
  };
}

/**
 * Builds a node from libvirt's test-driver format (testOpenParse): `<node>` with `<cpu>` and
 * `<memory>`, then domains, networks, interfaces, pools and devices, inline or by `file=`.
 * `file` is where the document came from: relative `file=` references start from its directory.
 */
export function loadNode(
  xml: string,
  source: string,
  file?: string,
  cells: readonly NumaCell[] = [],
): TestNode {
  const { root, children } = scanXml(xml, source, FIELDS);
  if (root.name !== 'node') throw xmlError(`expecting root element of 'node', not '${root.name}'`);
  const first = (name: string) => children.find((el) => el.name === name);
  const node = new TestNode(parseNodeInfo(first('cpu'), first('memory')), cells);
  const of = (name: string) => children.filter((el) => el.name === name).map((el) => inlineOrFile(el, file));
  for (const el of of('domain')) loadDomain(node, el);
  node.networks.push(...of('network').map(objectFacts));
  node.interfaces.push(...of('interface').map(objectFacts));
  node.pools.push(...of('pool').map((el) => loadPool(el, file)));
  node.devices.push(...of('device').map((el) => el.fields.get('name') ?? ''));
  return node;
}

/** A node from a file given by absolute path (`test:///PATH.xml`). */
export function loadNodeFile(path: string): TestNode {
  return loadNode(readDocument(path), path, path);
}
