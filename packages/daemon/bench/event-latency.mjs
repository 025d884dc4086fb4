// Event delivery: a guest's power-off at QEMU → the lifecycle callback of virtkit's pure-TS client.
// The powerbutton guest writes POWEROFF to its serial file and powers off at once, so QEMU's
// SHUTDOWN event follows that write within microseconds: the file's mtime stands for the QMP
// event's time. Both are wall-clock times, so the daemon's path is measured end to end.
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { openConnection } from '@virtkit/core';
import { bootCount, makePowerbuttonGuest } from '@virtkit/driver-qemu/testing';
import { driver } from '@virtkit/remote';

/** Wall-clock time in nanoseconds, sub-millisecond, comparable with a file's mtimeNs. */
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

async function poll(check, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * One target: a connection (through the remote driver unless `drivers` says otherwise), its own
 * guest copy in `dir`, and a callback timing lifecycle events.
 */
export async function openTarget(label, uri, dir, name, drivers = [driver]) {
  const connection = await openConnection(uri, { drivers });
  const guest = await makePowerbuttonGuest(dir, name);
  const domain = await connection.defineXml(guest.xml);
  const seen = [];
  const subscription = connection.subscribe({ domain: domain.ref, id: 'lifecycle' }, (event) =>
    seen.push({ type: event.type, at: nowNs() }),
  );
  await subscription.ready;
  const arrived = (type) => seen.find((event) => event.type === type);
  return {
    label,
    /** Boots the guest, presses its power button; ms from the POWEROFF write to the callback. */
    async round() {
      seen.length = 0;
      await domain.create();
      await poll(async () => (await bootCount(guest.serialLog)) >= 1, `${label}: BOOT`);
      await domain.shutdown({ modes: ['acpi'] });
      await poll(async () => arrived('stopped') !== undefined, `${label}: stopped`);
      const { mtimeNs } = await stat(guest.serialLog, { bigint: true });
      const shutdown = arrived('shutdown');
      if (shutdown === undefined) throw new Error(`${label}: no shutdown event`);
      return Number(shutdown.at - mtimeNs) / 1e6;
    },
    async close() {
      subscription.unsubscribe();
      await domain.destroy().catch(() => {});
      await domain.undefine().catch(() => {});
      await connection.close();
    },
  };
}

/** `rounds` power-offs per target, the targets taking turns; milliseconds per target. */
export async function powerOffLatencies(targets, rounds) {
  const samples = targets.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (const [index, target] of targets.entries()) samples[index].push(await target.round());
  }
  return samples;
}
