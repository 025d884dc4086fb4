// A manager in a process of its own, for the reconnect tests to SIGKILL. It defines and starts
// one guest, prints BOOTED once the guest printed BOOT; with `reboot` it then asks for an ACPI
// reboot, prints REBOOT-REQUESTED and blocks its event loop, so QEMU's SHUTDOWN is never handled.
// Usage: node manager-child.mjs URI XML SERIAL_LOG [reboot]
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { openConnection } from '@virtkit/core';
import { driver } from '../dist/index.js';

const [uri, xml, serialLog, mode] = process.argv.slice(2);
const conn = await openConnection(uri, { drivers: [driver], env: process.env });
const dom = await conn.defineXml(xml);
await dom.create();
while (!(await readFile(serialLog, 'utf8').catch(() => '')).includes('BOOT')) await sleep(20);
process.stdout.write('BOOTED\n');
if (mode === 'reboot') {
  await dom.reboot({ modes: ['acpi'] });
  // stdout to a pipe is synchronous on Linux: the line is out before the loop blocks.
  process.stdout.write('REBOOT-REQUESTED\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
// Stays the manager until killed.
setInterval(() => {}, 60_000);
