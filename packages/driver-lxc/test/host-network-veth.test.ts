import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseDomainXml } from '@virtkit/core';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createVeths,
  deleteVeths,
  freeVethName,
  moveVethsInto,
  needsOwnNetwork,
  planVeths,
  type VethPlan,
} from '../src/host-network/index.js';

const domain = (devices: string, features = '') =>
  parseDomainXml(
    `<domain type='lxc'><name>n</name><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type>exe</type><init>/bin/sh</init></os>${features}<devices>${devices}</devices></domain>`,
  );

interface Link {
  ifname: string;
  address: string;
  flags: string[];
  master?: string;
}

async function links(netns?: string): Promise<Link[]> {
  const args = netns === undefined ? ['-j', 'link', 'show'] : ['-n', netns, '-j', 'link', 'show'];
  return JSON.parse((await execa('ip', args)).stdout) as Link[];
}

async function link(name: string, netns?: string): Promise<Link | undefined> {
  return (await links(netns)).find((l) => l.ifname === name);
}

describe('veth networking (real links, as root)', () => {
  const suffix = randomBytes(3).toString('hex');
  const netns = `vkh1ns${suffix}`;
  const bridge = `vkh1br${suffix}`;
  const named = `vkh1v${suffix}`;
  let holder: ResultPromise | undefined;
  /** Every host end a test made or planned; deleted after it whatever happened. */
  let made: VethPlan[] = [];

  beforeEach(async () => {
    await execa('ip', ['netns', 'add', netns]);
    await execa('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
    // A process living in the namespace: the pid moveVethsInto is given, as the container's init would be.
    holder = execa('ip', ['netns', 'exec', netns, 'busybox', 'sleep', '1000'], { reject: false });
  });

  afterEach(async () => {
    holder?.kill('SIGKILL');
    await holder;
    await deleteVeths(made.flatMap((p) => [p.hostName, p.peerName]));
    made = [];
    await execa('ip', ['netns', 'del', netns], { reject: false });
    await execa('ip', ['link', 'del', 'dev', bridge], { reject: false });
    await execa('ip', ['link', 'del', 'dev', named], { reject: false });
  });

  it('decides when a container needs its own network namespace', () => {
    expect(needsOwnNetwork(domain(''))).toBe(false);
    expect(needsOwnNetwork(domain('', '<features><privnet/></features>'))).toBe(true);
    expect(needsOwnNetwork(domain("<interface type='ethernet'/>"))).toBe(true);
  });

  it('plans names: <target dev> or the first free vethN, <guest dev> or ethN by position', async () => {
    const plans = await planVeths(
      domain(
        `<interface type='bridge'><source bridge='${bridge}'/><mac address='52:54:00:aa:bb:01'/><target dev='${named}'/></interface>
         <interface type='ethernet'><guest dev='inside1'/></interface>
         <interface type='ethernet'/>`,
      ),
    );
    expect(plans.map((p) => [p.hostName === named, p.guestName, p.bridge])).toEqual([
      [true, 'eth0', bridge],
      [false, 'inside1', undefined],
      [false, 'eth2', undefined],
    ]);
    expect(plans[0]?.mac).toBe('52:54:00:aa:bb:01');
    expect(plans[1]?.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(plans[1]?.hostName).toMatch(/^veth\d+$/);
    expect(plans[2]?.hostName).toMatch(/^veth\d+$/);
    expect(plans[1]?.hostName).not.toBe(plans[2]?.hostName);
    expect(new Set(plans.map((p) => p.peerName)).size).toBe(3);
  });

  it('skips vethN names a link already has', async () => {
    const first = await freeVethName();
    // (no dummy driver here: a bridge is as good a link as any to hold the name)
    await execa('ip', ['link', 'add', 'name', first, 'type', 'bridge']);
    try {
      const [plan] = await planVeths(domain("<interface type='ethernet'/>"));
      expect(plan?.hostName).toMatch(/^veth\d+$/);
      expect(plan?.hostName).not.toBe(first);
    } finally {
      await execa('ip', ['link', 'del', 'dev', first], { reject: false });
    }
  });

  it('moves an auto-named host end on to the next free vethN when its name was taken after planning', async () => {
    const plans = await planVeths(domain("<interface type='ethernet'/>"));
    made = plans;
    const planned = plans[0]?.hostName ?? '';
    await execa('ip', ['link', 'add', 'name', planned, 'type', 'bridge']);
    try {
      await createVeths(plans);
      expect(plans[0]?.hostName).not.toBe(planned);
      expect(plans[0]?.hostName).toMatch(/^veth\d+$/);
      expect(existsSync(`/sys/class/net/${plans[0]?.hostName}`)).toBe(true);
    } finally {
      await execa('ip', ['link', 'del', 'dev', planned], { reject: false });
    }
  });

  it("refuses interface types the LXC driver does not support with libvirt's text", async () => {
    await expect(planVeths(domain("<interface type='user'/>"))).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      domain: 'LXC',
      message: 'internal error: Unsupported network type user',
    });
    await expect(
      planVeths(domain("<interface type='network'><source network='default'/></interface>")),
    ).rejects.toThrow(/network driver/);
  });

  it('creates the pair on the bridge, moves the peer in renamed with its MAC and addresses, up', {
    timeout: 20_000,
  }, async () => {
    const plans = await planVeths(
      domain(
        `<interface type='bridge'><source bridge='${bridge}'/><mac address='52:54:00:aa:bb:01'/><target dev='${named}'/>
           <guest dev='inside0'/><ip address='192.168.207.10' prefix='24'/><route address='10.207.0.0' prefix='16' gateway='192.168.207.1'/></interface>
         <interface type='ethernet'><mac address='52:54:00:aa:bb:02'/></interface>`,
      ),
    );
    made = plans;
    await createVeths(plans);
    const onBridge = await link(named);
    expect(onBridge?.master).toBe(bridge);
    expect(onBridge?.flags).toContain('UP');
    const bare = await link(plans[1]?.hostName ?? '');
    expect(bare?.master).toBeUndefined();
    expect(bare?.flags).toContain('UP');

    await moveVethsInto(plans, holder?.pid ?? 0);
    const inside0 = await link('inside0', netns);
    expect(inside0?.address).toBe('52:54:00:aa:bb:01');
    expect(inside0?.flags).toContain('UP');
    expect(inside0?.flags).toContain('LOWER_UP');
    expect((await link('eth1', netns))?.address).toBe('52:54:00:aa:bb:02');
    expect((await link('lo', netns))?.flags).toContain('UP');
    for (const plan of plans) expect(await link(plan.peerName)).toBeUndefined();
    const addrs = (await execa('ip', ['-n', netns, '-4', '-o', 'addr', 'show', 'dev', 'inside0'])).stdout;
    expect(addrs).toContain('192.168.207.10/24');
    const routes = (await execa('ip', ['-n', netns, 'route', 'show'])).stdout;
    expect(routes).toContain('10.207.0.0/16 via 192.168.207.1 dev inside0');

    // The namespace ending takes the pairs with it: the host ends go too.
    holder?.kill('SIGKILL');
    await holder;
    await execa('ip', ['netns', 'del', netns]);
    await vi.waitFor(async () => {
      expect(existsSync(`/sys/class/net/${named}`)).toBe(false);
      expect(existsSync(`/sys/class/net/${plans[1]?.hostName}`)).toBe(false);
    });
    await deleteVeths(plans.map((p) => p.hostName)); // nothing left: fine
  });

  it('brings only lo up for a <privnet/> container with no interfaces', async () => {
    await moveVethsInto([], holder?.pid ?? 0);
    expect((await link('lo', netns))?.flags).toContain('UP');
  });

  it('fails on a bridge that does not exist and leaves no veth behind', async () => {
    const missing = `vkh1no${suffix}`;
    const plans = await planVeths(
      domain(
        `<interface type='ethernet'><target dev='${named}'/></interface>
         <interface type='bridge'><source bridge='${missing}'/></interface>`,
      ),
    );
    made = plans;
    await expect(createVeths(plans)).rejects.toThrow(
      `Unable to add bridge ${missing} port ${plans[1]?.hostName}: No such device`,
    );
    for (const plan of plans) {
      expect(existsSync(`/sys/class/net/${plan.hostName}`)).toBe(false);
      expect(existsSync(`/sys/class/net/${plan.peerName}`)).toBe(false);
    }
  });

  it('deletes host ends that are still there, and with them their peers', async () => {
    const plans = await planVeths(domain(`<interface type='ethernet'><target dev='${named}'/></interface>`));
    made = plans;
    await createVeths(plans);
    expect(existsSync(`/sys/class/net/${named}`)).toBe(true);
    await deleteVeths([named]);
    expect(existsSync(`/sys/class/net/${named}`)).toBe(false);
    expect(existsSync(`/sys/class/net/${plans[0]?.peerName}`)).toBe(false);
  });
});
