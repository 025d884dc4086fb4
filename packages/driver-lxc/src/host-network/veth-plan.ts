import { type DomainDef, hasFeature, type InterfaceDef, ofKind, VirtError } from '@virtkit/core';
import type { VethEnd } from '../controller/protocol.js';
import { type GuestSide, guestSideOf } from './guest-addressing.js';
import { checkLinkName, freeVethName, temporaryPeerName } from './veth-name.js';

/** A veth pair for one `<interface>`: host end (vethN) kept, peer moved into the container and renamed. */
export interface VethPlan extends VethEnd {
  /** Temporary name of the container end while still on the host. */
  readonly peerName: string;
  readonly mac: string;
  /** Bridge the host end joins (type='bridge', or a network's bridge). */
  readonly bridge?: string;
  /** The host end's name was picked here (no <target dev>): it may move on to the next free vethN. */
  readonly autoName?: boolean;
  /** Addresses, routes and link state the interface gets inside. */
  readonly guest?: GuestSide;
}

/** Whether the container gets its own network namespace: it has interfaces, or <features><privnet/>. */
export function needsOwnNetwork(def: DomainDef): boolean {
  return def.devices.some((d) => d.kind === 'interface') || hasFeature(def.features, 'privnet');
}

/** The bridge of a supported interface, or libvirt's error for the types the LXC driver refuses. */
function bridgeOf(net: InterfaceDef): string | undefined {
  switch (net.type) {
    case 'ethernet':
      return undefined;
    case 'bridge': {
      const bridge = net.source?.bridge;
      if (bridge === undefined)
        throw new VirtError('XML_ERROR', "Missing required attribute 'bridge' in element 'source'", {
          domain: 'DOMAIN',
        });
      return bridge;
    }
    case 'network':
      // libvirt asks its network driver for the network's bridge; virtkit has no network driver yet.
      throw new VirtError(
        'NO_NETWORK',
        `no network with matching name '${net.source?.network ?? ''}' (interface type 'network' needs a network driver, which virtkit does not have yet)`,
        { domain: 'LXC' },
      );
    default:
      throw new VirtError('INTERNAL_ERROR', `Unsupported network type ${net.type}`, { domain: 'LXC' });
  }
}

/**
 * Names each interface's pair (virLXCProcessSetupInterfaces): the host end is <target dev> or the
 * first free vethN, the guest end <guest dev> or ethN by the interface's position. Refuses interface
 * types the LXC driver does not support, with libvirt's texts.
 */
export async function planVeths(def: DomainDef): Promise<VethPlan[]> {
  const nets = ofKind(def.devices, 'interface');
  const plans: VethPlan[] = [];
  const taken = new Set<string>();
  for (const net of nets) if (net.targetDev !== undefined) taken.add(net.targetDev);
  for (const [index, net] of nets.entries()) {
    const bridge = bridgeOf(net);
    const guest = guestSideOf(net);
    const guestName = guest.dev ?? `eth${index}`;
    checkLinkName(guestName);
    let hostName = net.targetDev;
    const autoName = hostName === undefined;
    if (hostName === undefined) hostName = await freeVethName(taken);
    else checkLinkName(hostName);
    taken.add(hostName);
    plans.push({
      hostName,
      guestName,
      peerName: temporaryPeerName(),
      mac: net.mac,
      ...(bridge === undefined ? {} : { bridge }),
      ...(autoName ? { autoName } : {}),
      guest,
    });
  }
  return plans;
}
