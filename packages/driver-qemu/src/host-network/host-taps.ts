import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DomainDef, type InterfaceDef, VirtError } from '@virtkit/core';
import { TAP_TYPES } from '../argv/interface-driver.js';
import type { TapBackend } from '../argv/qemu-command.js';
import { addTap, deleteLink, setLinkAddress, setLinkMaster, setLinkMtu, setLinkUp } from './ip-link.js';
import { checkTapName, releaseTapName, reserveTapName } from './tap-name.js';

/** The taps a run created, kept in its run directory so that whoever ends the run deletes them. */
const TAPS_FILE = 'host-taps.json';

/** The definition QEMU is started from, each tap interface naming its tap in `<target dev>`. */
export interface HostNetwork {
  def: DomainDef;
  tapBackend: (net: InterfaceDef) => TapBackend;
}

function targetAttrs(net: InterfaceDef): Record<string, string> {
  return net.targetRest?.attrs ?? {};
}

/**
 * libvirt sets the host end's MAC to the guest's with the first byte 0xFE, so that a bridge
 * never takes the guest's address as its own.
 */
function hostSideMac(mac: string): string {
  return `fe${mac.slice(2)}`;
}

/** The bridge a tap is ported to, or undefined for a bare (`ethernet`) tap. */
function bridgeOf(net: InterfaceDef): string | undefined {
  switch (net.type) {
    case 'bridge':
      return net.source?.bridge;
    case 'ethernet':
      return undefined;
    case 'network':
      // No virtual network driver resolves <source network> to its bridge yet.
      throw new VirtError('NO_NETWORK', `no network with matching name '${net.source?.network ?? ''}'`);
    default:
      throw new VirtError('CONFIG_UNSUPPORTED', `interface type '${net.type}' at runtime`);
  }
}

/** Makes and configures the tap of one interface; returns its name. */
async function connectTap(net: InterfaceDef, created: string[]): Promise<string> {
  const bridge = bridgeOf(net);
  const given = net.targetDev;
  if (given !== undefined) checkTapName(given);
  if (targetAttrs(net).managed === 'no') {
    // An unmanaged tap is the host's: used as it is, never changed or deleted (libvirt's rule).
    if (given === undefined)
      throw new VirtError('XML_ERROR', "target dev must be supplied when managed='no'");
    return given;
  }
  const name = given ?? (await reserveTapName());
  try {
    await addTap(name);
  } catch (error) {
    throw new VirtError('SYSTEM_ERROR', `Unable to create tap device ${name}: ${(error as Error).message}`);
  } finally {
    releaseTapName(name);
  }
  created.push(name);
  await setLinkAddress(name, hostSideMac(net.mac));
  const mtu = net.rest?.children.find((c) => c.name === 'mtu')?.attrs.size;
  if (mtu !== undefined) await setLinkMtu(name, Number(mtu));
  if (bridge !== undefined) await setLinkMaster(name, bridge);
  await setLinkUp(name);
  return name;
}

/**
 * Creates the host taps `def`'s interfaces need (qemuProcessPrepareHost + qemuBuildInterfaceConnect)
 * and records them in `runDir`. On failure nothing it made stays behind.
 */
export async function prepareHostNetwork(def: DomainDef, runDir: string): Promise<HostNetwork> {
  const created: string[] = [];
  try {
    const devices = [];
    for (const dev of def.devices) {
      if (dev.kind !== 'interface' || !TAP_TYPES.has(dev.type)) {
        devices.push(dev);
        continue;
      }
      devices.push({ ...dev, targetDev: await connectTap(dev, created) });
    }
    await writeFile(join(runDir, TAPS_FILE), JSON.stringify(created));
    return { def: { ...def, devices }, tapBackend: namedTap };
  } catch (error) {
    await deleteTaps(created);
    throw error;
  }
}

/**
 * QEMU opens the tap by name. libvirt instead opens /dev/net/tun itself and passes the fds
 * (so QEMU needs no CAP_NET_ADMIN); Node cannot issue TUNSETIFF, so the launcher creates a
 * persistent tap with `ip` and lets QEMU attach to it.
 */
function namedTap(net: InterfaceDef): TapBackend {
  if (net.targetDev === undefined) throw new VirtError('INTERNAL_ERROR', 'interface has no tap');
  return { ifname: net.targetDev };
}

async function deleteTaps(names: readonly string[]): Promise<void> {
  for (const name of names) await deleteLink(name).catch(() => {});
}

/** Deletes the taps the run in `runDir` created (qemuProcessStop's virNetDevTapDelete). */
export async function releaseHostNetwork(runDir: string): Promise<void> {
  const text = await readFile(join(runDir, TAPS_FILE), 'utf8').catch(() => '[]');
  await deleteTaps(JSON.parse(text) as string[]);
}
