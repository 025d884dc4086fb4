import { escapeXml, VirtError } from '@virtkit/core';
import type { LxcConfigEntry } from './config.js';

/** One network from `lxc.network.*` (v2) or `lxc.net.N.*` (v3). */
export interface LxcNetwork {
  type?: string;
  link?: string;
  mac?: string;
  flags?: string;
  name?: string;
  macvlanMode?: string;
  vlanId?: string;
  ips: { family: 'ipv4' | 'ipv6'; address: string; prefix?: string }[];
  gateways: { family: 'ipv4' | 'ipv6'; gateway: string }[];
}

const newNet = (): LxcNetwork => ({ ips: [], gateways: [] });

function setField(net: LxcNetwork, field: string, value: string): void {
  switch (field) {
    case 'type':
      net.type = value;
      break;
    case 'link':
      net.link = value;
      break;
    case 'hwaddr':
      net.mac = value;
      break;
    case 'flags':
      net.flags = value;
      break;
    case 'name':
      net.name = value;
      break;
    case 'macvlan.mode':
      net.macvlanMode = value;
      break;
    case 'vlan.id':
      net.vlanId = value;
      break;
    case 'ipv4':
    case 'ipv4.address':
    case 'ipv6':
    case 'ipv6.address': {
      const family = field.startsWith('ipv4') ? 'ipv4' : 'ipv6';
      const [address = '', prefix] = value.split('/');
      net.ips.push({ family, address, ...(prefix !== undefined ? { prefix } : {}) });
      break;
    }
    case 'ipv4.gateway':
    case 'ipv6.gateway':
      net.gateways.push({ family: field.startsWith('ipv4') ? 'ipv4' : 'ipv6', gateway: value });
      break;
    default:
      break;
  }
}

/** Collects networks: v2 starts a new one at each `lxc.network.type`; v3 groups by index. */
export function collectNetworks(entries: LxcConfigEntry[]): LxcNetwork[] {
  const nets: LxcNetwork[] = [];
  const byIndex = new Map<string, LxcNetwork>();
  let current: LxcNetwork | undefined;
  for (const { key, value } of entries) {
    if (key.startsWith('lxc.network.')) {
      const field = key.slice('lxc.network.'.length);
      if (field === 'type' || current === undefined) {
        current = newNet();
        nets.push(current);
      }
      setField(current, field, value);
      continue;
    }
    const m = /^lxc\.net\.(\d+)\.(.+)$/.exec(key);
    if (m) {
      const [, idx = '', field = ''] = m;
      let net = byIndex.get(idx);
      if (!net) {
        net = newNet();
        byIndex.set(idx, net);
        nets.push(net);
      }
      setField(net, field, value);
    }
  }
  return nets;
}

function ipXml(net: LxcNetwork, indent: string): string {
  let out = '';
  for (const ip of net.ips) {
    const prefix = ip.prefix !== undefined ? ` prefix='${escapeXml(ip.prefix)}'` : '';
    out += `${indent}<ip address='${escapeXml(ip.address)}' family='${ip.family}'${prefix}/>\n`;
  }
  for (const gw of net.gateways) {
    const any = gw.family === 'ipv4' ? '0.0.0.0' : '::';
    out += `${indent}<route family='${gw.family}' address='${any}' gateway='${escapeXml(gw.gateway)}'/>\n`;
  }
  return out;
}

/** Device XML for the networks, and whether the container gets a private network (`<privnet/>`). */
export function networksToXml(nets: LxcNetwork[]): {
  interfaces: string;
  hostdevs: string;
  privnet: boolean;
} {
  let interfaces = '';
  let hostdevs = '';
  let any = false;
  let none = false;
  for (const net of nets) {
    const type = net.type;
    if (type === undefined || type === 'empty') continue;
    if (type === 'none') {
      none = true;
      continue;
    }
    const up = net.flags === 'up' ? "<link state='up'/>" : "<link state='down'/>";
    if (type === 'veth' || type === 'macvlan') {
      any = true;
      const ifType = type === 'macvlan' ? 'direct' : net.link ? 'bridge' : 'ethernet';
      let x = `<interface type='${ifType}'>\n`;
      if (net.mac) x += `  <mac address='${escapeXml(net.mac)}'/>\n`;
      if (type === 'macvlan') {
        if (!net.link) throw new VirtError('INTERNAL_ERROR', "Missing 'link' attribute for NIC");
        x += `  <source dev='${escapeXml(net.link)}' mode='${escapeXml(net.macvlanMode ?? 'private')}'/>\n`;
      } else if (net.link) {
        x += `  <source bridge='${escapeXml(net.link)}'/>\n`;
      }
      x += ipXml(net, '  ');
      if (net.name) x += `  <guest dev='${escapeXml(net.name)}'/>\n`;
      x += `  ${up}\n</interface>\n`;
      interfaces += x;
    } else if (type === 'phys' || type === 'vlan') {
      any = true;
      if (!net.link) throw new VirtError('INTERNAL_ERROR', "Missing 'link' attribute for NIC");
      const dev = type === 'vlan' ? `${net.link}.${net.vlanId ?? ''}` : net.link;
      hostdevs += `<hostdev mode='capabilities' type='net'>\n  <source>\n    <interface>${escapeXml(dev)}</interface>\n  </source>\n${ipXml(net, '  ')}</hostdev>\n`;
    }
  }
  return { interfaces, hostdevs, privnet: !any && !none };
}
