import { parseDomainXml } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { addressingCommands, guestSideOf, naturalPrefix } from '../src/host-network/index.js';

const firstInterface = (inner: string) => {
  const def = parseDomainXml(
    `<domain type='lxc'><name>n</name><memory unit='MiB'>32</memory><os><type>exe</type><init>/bin/sh</init></os><devices><interface type='ethernet'>${inner}</interface></devices></domain>`,
  );
  const net = def.devices.find((d) => d.kind === 'interface');
  if (net?.kind !== 'interface') throw new Error('no interface');
  return net;
};

describe("an interface's guest side", () => {
  it.each([
    ['10.1.2.3', 8],
    ['172.16.0.1', 16],
    ['192.168.1.5', 24],
    ['0.0.0.0', 0],
    ['fd00::1', 64],
    ['::', 0],
  ])('gives %s the natural prefix /%i when none is written', (address, prefix) => {
    expect(naturalPrefix(address)).toBe(prefix);
  });

  it('reads <guest dev>, <ip>, <route> and <link state> into ip commands', () => {
    const side = guestSideOf(
      firstInterface(`<guest dev='in0'/><ip address='192.168.5.2'/><ip address='fd00::2' prefix='48' family='ipv6'/>
        <route family='ipv4' address='0.0.0.0' gateway='192.168.5.1'/><route address='10.0.0.0' prefix='8' gateway='192.168.5.254' metric='5'/>
        <link state='down'/>`),
    );
    expect(side.dev).toBe('in0');
    expect(side.linkDown).toBe(true);
    expect(addressingCommands('in0', side)).toEqual([
      'address add 192.168.5.2/24 dev in0',
      'address add fd00::2/48 dev in0',
      'route add 0.0.0.0/0 via 192.168.5.1 dev in0',
      'route add 10.0.0.0/8 via 192.168.5.254 metric 5 dev in0',
    ]);
  });

  it('refuses an address that is not one', () => {
    expect(() => guestSideOf(firstInterface("<ip address='192.168.5'/>"))).toThrow(
      "Invalid address '192.168.5'",
    );
  });
});
