// A real virtual machine on QEMU (TCG), managed by virtkit's QEMU driver in embedded mode:
// the guest is ../shared/guest/powerbutton.img, which prints BOOT on its serial port and
// powers off on an ACPI power-button press. It boots, goes through a fake reboot (the domain
// stays running (booted) throughout), then shuts down. Everything lives in a temporary
// directory, removed at the end. `node examples/real-vm.mjs`.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLifecycle, formatState, openConnection } from '@virtkit/core';
import { driver } from '@virtkit/driver-qemu';
import { makePowerbuttonGuest } from '@virtkit/driver-qemu/testing';

const root = await mkdtemp(join(tmpdir(), 'virtkit-main-job-'));
// The guest's domain XML: packages/driver-qemu/src/testing/powerbutton-guest.ts.
const { xml, serialLog } = await makePowerbuttonGuest(root, 'powerbutton');

const started = Date.now();
const say = (text) => console.log(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s  ${text}`);
const serial = async () => (await readFile(serialLog, 'utf8').catch(() => '')).match(/BOOT|POWEROFF/g) ?? [];

/** Polls until `done()` holds, printing each new domain state and serial line on the way. */
async function watch(dom, done) {
  let last = '';
  for (let tries = 0; tries < 1500; tries++) {
    const now = `${formatState(await dom.getState(), true)} | serial: ${(await serial()).join(' ')}`;
    if (now !== last) {
      last = now;
      say(now);
    }
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the guest did not get there in 30 s');
}

const conn = await openConnection(`qemu:///embed?root=${root}`, { drivers: [driver] });
try {
  conn.subscribe({}, (event) =>
    say(`event '${event.id}'${event.id === 'lifecycle' ? `: ${formatLifecycle(event)}` : ''}`),
  );
  const dom = await conn.defineXml(xml);
  say('virtkit start powerbutton');
  await dom.create();
  await watch(dom, async () => (await serial()).length >= 1);
  say('virtkit reboot --mode acpi powerbutton   (a fake reboot: never leaves running)');
  await dom.reboot({ modes: ['acpi'] });
  await watch(dom, async () => (await serial()).filter((line) => line === 'BOOT').length >= 2);
  say('virtkit shutdown --mode acpi powerbutton');
  await dom.shutdown({ modes: ['acpi'] });
  await watch(dom, async () => (await dom.getState()).state === 'shutoff');
} finally {
  for (const dom of await conn.listAllDomains({ active: true })) await dom.destroy().catch(() => {});
  await conn.close();
  await rm(root, { recursive: true, force: true });
}
