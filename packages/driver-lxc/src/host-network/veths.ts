import { addressingCommands } from './guest-addressing.js';
import { IpError, ip, ipBatchIn, isBridge, linkExists, systemError } from './ip-command.js';
import { freeVethName } from './veth-name.js';
import type { VethPlan } from './veth-plan.js';

/** Creates one pair; an auto-named host end another process took meanwhile moves on to the next free name. */
async function addPair(plan: VethPlan, taken: Set<string>): Promise<void> {
  for (;;) {
    try {
      await ip(['link', 'add', 'name', plan.hostName, 'type', 'veth', 'peer', 'name', plan.peerName]);
      return;
    } catch (error) {
      const text = error instanceof IpError ? error.complaint : String(error);
      if (!(plan.autoName && /File exists/.test(text) && (await linkExists(plan.hostName))))
        throw systemError(`Failed to create veth device pair '${plan.hostName}': ${text}`);
      taken.add(plan.hostName);
      // The plan is the caller's record of the run: it must name the link that really exists.
      (plan as { hostName: string }).hostName = await freeVethName(taken);
    }
  }
}

async function connect(plan: VethPlan): Promise<void> {
  if (plan.bridge !== undefined) {
    try {
      await ip(['link', 'set', 'dev', plan.hostName, 'master', plan.bridge]);
    } catch (error) {
      throw systemError(
        `Unable to add bridge ${plan.bridge} port ${plan.hostName}: ${(error as Error).message}`,
      );
    }
  }
  await ip(['link', 'set', 'dev', plan.hostName, 'up']).catch((error: Error) => {
    throw systemError(`Cannot set interface flags on '${plan.hostName}': ${error.message}`);
  });
}

/**
 * Creates the pairs on the host, the host ends up and on their bridges; undoes its work on failure.
 * An auto-named plan's hostName may have moved on to a later vethN (another run took the name
 * between planning and creating): read it after this.
 */
export async function createVeths(plans: readonly VethPlan[]): Promise<void> {
  const created: string[] = [];
  const taken = new Set(plans.map((p) => p.hostName));
  try {
    for (const plan of plans) {
      // Checked first so that a missing bridge leaves nothing behind, with libvirt's ioctl text.
      if (plan.bridge !== undefined && !(await isBridge(plan.bridge)))
        throw systemError(`Unable to add bridge ${plan.bridge} port ${plan.hostName}: No such device`);
      await addPair(plan, taken);
      created.push(plan.hostName);
      await connect(plan);
    }
  } catch (error) {
    await deleteVeths(created);
    throw error;
  }
}

/**
 * Moves the peers into the network namespace of `pid`, renamed to their guest names, MAC set, up
 * (unless <link state='down'/>), with their <ip>s and <route>s; lo up. With no plans (<privnet/>)
 * only lo is brought up, as libvirt does.
 */
export async function moveVethsInto(plans: readonly VethPlan[], pid: number): Promise<void> {
  for (const plan of plans) {
    await ip(['link', 'set', 'dev', plan.peerName, 'netns', String(pid)]).catch((error: Error) => {
      throw systemError(
        `Unable to move ${plan.peerName} into the namespace of process ${pid}: ${error.message}`,
      );
    });
  }
  const lines: string[] = [];
  for (const plan of plans) {
    lines.push(`link set dev ${plan.peerName} name ${plan.guestName}`);
    lines.push(`link set dev ${plan.guestName} address ${plan.mac}`);
    if (plan.guest?.linkDown) continue;
    lines.push(`link set dev ${plan.guestName} up`);
    if (plan.guest) lines.push(...addressingCommands(plan.guestName, plan.guest));
  }
  lines.push('link set dev lo up');
  await ipBatchIn(pid, lines).catch((error: Error) => {
    throw systemError(`Failed to set up the network inside the container: ${error.message}`);
  });
}

/** Deletes host ends that are still there (a pair whose namespace died is gone already). */
export async function deleteVeths(hostNames: readonly string[]): Promise<void> {
  for (const name of hostNames) {
    if (!(await linkExists(name))) continue;
    await ip(['link', 'del', 'dev', name]).catch(async (error: unknown) => {
      // Gone meanwhile (its namespace ended): that is what we wanted.
      if (await linkExists(name)) throw systemError(`Unable to delete ${name}: ${(error as Error).message}`);
    });
  }
}
