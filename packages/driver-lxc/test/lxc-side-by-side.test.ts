/**
 * virtkit's LXC driver beside libvirt 9.0's own, phase by phase: the events and the `domstate
 * --reason` sequence of define, start, reboot(2) from inside, shutdown by signal, destroy and
 * undefine must be what libvirt reports (fixtures/libvirt-lxc-sequences.json, which
 * lxc-libvirt-oracle.test.ts re-observes against a running libvirt LXC). The same busybox root and
 * init, the same domain XML, states polled the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Connection,
  type Domain,
  type DomainEvent,
  formatLifecycle,
  formatState,
  openConnection,
} from '@virtkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driver } from '../src/index.js';
import { killLeftoverControllers } from '../src/testing/index.js';
import { makeOracleRootfs, oracleDomainXml } from './support/libvirt-lxc.js';

interface Phase {
  readonly events: string[];
  readonly states: string[];
  readonly idChanged?: boolean;
}
const FIXTURE = JSON.parse(
  readFileSync(new URL('./fixtures/libvirt-lxc-sequences.json', import.meta.url), 'utf8'),
) as { phases: Record<string, Phase> };

const NAME = 'vk-side-by-side';
const SETTLE_MS = 400;
/** The fixture writes the domain's name as NAME. */
const NO_DOMAIN = "error: failed to get domain 'NAME'";

/** An event as `virsh event` names it: "lifecycle Started Booted", "reboot". */
const eventText = (event: DomainEvent) =>
  event.id === 'lifecycle' ? `lifecycle ${formatLifecycle(event)}` : event.id;

describe("virtkit's LXC driver beside libvirt's", () => {
  let root: string;
  let rootfs: string;
  let conn: Connection;
  const events: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vkl-sbs-'));
    rootfs = await makeOracleRootfs(join(root, 'rootfs'));
    conn = await openConnection(`lxc:///embed?root=${root}`, { drivers: [driver], env: process.env });
    conn.subscribe({}, (event) => {
      if (event.domain.name === NAME) events.push(eventText(event));
    });
  }, 60_000);

  afterAll(async () => {
    await conn?.close().catch(() => {});
    await killLeftoverControllers(join(root, 'run', 'lxc'));
    await rm(root, { recursive: true, force: true });
  });

  const boots = () =>
    (existsSync(join(rootfs, 'boots')) ? readFileSync(join(rootfs, 'boots'), 'utf8') : '')
      .split('\n')
      .filter(Boolean).length;

  /** What `virsh domstate --reason NAME` prints now. */
  const domstate = async () => {
    try {
      return formatState(await (await conn.lookupDomainByName(NAME)).getState(), true);
    } catch {
      return NO_DOMAIN;
    }
  };

  /** Runs `act` while polling the state every ~10 ms until `done`, then lets late events arrive. */
  async function phase(act: () => Promise<void>, done: (state: string) => boolean): Promise<Phase> {
    const from = events.length;
    const states: string[] = [await domstate()];
    const deadline = Date.now() + 15_000;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const state = await domstate();
        if (states.at(-1) !== state) states.push(state);
        await sleep(10);
      }
    })();
    await act();
    while (!done(states.at(-1) ?? '')) {
      if (Date.now() > deadline) throw new Error(`phase did not finish: ${states.join(' → ')}`);
      await sleep(10);
    }
    await sleep(SETTLE_MS);
    polling = false;
    await poll;
    return { events: events.slice(from), states };
  }

  it('raises the events and passes through the states libvirt does, phase by phase', async () => {
    const expected = FIXTURE.phases;
    let dom: Domain | undefined;
    const observed: Record<string, Phase> = {};
    observed.define = await phase(
      async () => {
        dom = await conn.defineXml(oracleDomainXml({ name: NAME, rootfs }));
      },
      (state) => state.startsWith('shut off'),
    );
    observed.start = await phase(
      () => (dom as Domain).create(),
      (state) => state === 'running (booted)' && boots() === 1,
    );
    const idBefore = (await conn.lookupDomainByName(NAME)).id;
    observed['reboot-inside'] = {
      ...(await phase(
        () => writeFile(join(rootfs, 'reboot-request'), ''),
        (state) => state === 'running (booted)' && boots() === 2,
      )),
      idChanged: (await conn.lookupDomainByName(NAME)).id !== idBefore,
    };
    observed['shutdown-signal'] = await phase(
      () => (dom as Domain).shutdown({ modes: ['signal'] }),
      (state) => state.startsWith('shut off'),
    );
    await (dom as Domain).create();
    observed.destroy = await phase(
      () => (dom as Domain).destroy(),
      (state) => state.startsWith('shut off'),
    );
    observed.undefine = await phase(
      () => (dom as Domain).undefine(),
      (state) => state === NO_DOMAIN,
    );
    for (const [key, phaseSeen] of Object.entries(observed)) {
      const want = expected[key] as Phase;
      expect({ phase: key, ...phaseSeen }).toEqual({
        phase: key,
        events: want.events,
        states: want.states,
        ...(want.idChanged !== undefined ? { idChanged: want.idChanged } : {}),
      });
    }
  }, 120_000);
});
