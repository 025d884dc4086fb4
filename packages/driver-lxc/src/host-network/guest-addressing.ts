import { isIP } from 'node:net';
import { type InterfaceDef, VirtError, type XmlElement } from '@virtkit/core';

export interface GuestAddress {
  readonly address: string;
  readonly prefix: number;
  readonly peer?: string;
}

export interface GuestRoute {
  readonly address: string;
  readonly prefix: number;
  readonly gateway: string;
  readonly metric?: number;
}

/** An interface's guest-side settings, kept raw in its `rest` by core. */
export interface GuestSide {
  /** `<guest dev='…'/>`. */
  readonly dev?: string;
  /** `<link state='down'/>` keeps the interface down inside. */
  readonly linkDown: boolean;
  readonly addresses: readonly GuestAddress[];
  readonly routes: readonly GuestRoute[];
}

function badIp(what: string): VirtError {
  return new VirtError('XML_ERROR', what, { domain: 'DOMAIN' });
}

/**
 * The prefix an address gets when none is written (virSocketAddrGetIPPrefix): an IPv4 address its
 * class's (A /8, B /16, C /24; 0.0.0.0, a default route, /0), IPv6 /64 (the wildcard /0).
 */
export function naturalPrefix(address: string): number {
  if (isIP(address) === 6) return address === '::' ? 0 : 64;
  const first = Number(address.split('.')[0]);
  if (address === '0.0.0.0') return 0;
  if ((first & 0x80) === 0) return 8;
  if ((first & 0xc0) === 0x80) return 16;
  if ((first & 0xe0) === 0xc0) return 24;
  throw badIp(`Failed to parse prefix for address '${address}'`);
}

function prefixOf(el: XmlElement, address: string): number {
  const raw = el.attrs.prefix;
  if (raw === undefined) return naturalPrefix(address);
  const max = isIP(address) === 6 ? 128 : 32;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n <= max)) throw badIp(`Invalid prefix value '${raw}' in <${el.name}> of an interface`);
  return n;
}

function address(el: XmlElement, attr: string): string {
  const value = el.attrs[attr];
  if (value === undefined) throw badIp(`Missing required attribute '${attr}' in element '${el.name}'`);
  if (isIP(value) === 0) throw badIp(`Invalid ${attr} '${value}' in <${el.name}> of an interface`);
  return value;
}

export function guestSideOf(net: InterfaceDef): GuestSide {
  const children = net.rest?.children ?? [];
  const addresses: GuestAddress[] = [];
  const routes: GuestRoute[] = [];
  for (const el of children) {
    if (el.name === 'ip') {
      const addr = address(el, 'address');
      const peer = el.attrs.peer === undefined ? undefined : address(el, 'peer');
      addresses.push({ address: addr, prefix: prefixOf(el, addr), ...(peer === undefined ? {} : { peer }) });
    } else if (el.name === 'route') {
      const addr = address(el, 'address');
      const metric = el.attrs.metric === undefined ? undefined : Number(el.attrs.metric);
      routes.push({
        address: addr,
        prefix: prefixOf(el, addr),
        gateway: address(el, 'gateway'),
        ...(metric === undefined ? {} : { metric }),
      });
    }
  }
  const dev = children.find((c) => c.name === 'guest')?.attrs.dev;
  const linkDown = children.find((c) => c.name === 'link')?.attrs.state === 'down';
  return { ...(dev === undefined ? {} : { dev }), linkDown, addresses, routes };
}

/** `ip -batch` lines that put the addresses and routes on `dev` (after it is up, for routes via a gateway). */
export function addressingCommands(dev: string, side: GuestSide): string[] {
  const lines: string[] = [];
  for (const a of side.addresses)
    lines.push(`address add ${a.address}/${a.prefix}${a.peer ? ` peer ${a.peer}` : ''} dev ${dev}`);
  for (const r of side.routes)
    lines.push(
      `route add ${r.address}/${r.prefix} via ${r.gateway}${r.metric === undefined ? '' : ` metric ${r.metric}`} dev ${dev}`,
    );
  return lines;
}
