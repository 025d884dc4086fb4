// A manager in a process of its own, for the reconnect tests to SIGKILL: defines and starts one
// container, prints STARTED, and stays the manager until killed.
// Usage: node lxc-manager-child.mjs URI XML
import { openConnection } from '@virtkit/core';
import { driver } from '../dist/index.js';

const [uri, xml] = process.argv.slice(2);
const conn = await openConnection(uri, { drivers: [driver], env: process.env });
const dom = await conn.defineXml(xml);
await dom.create();
process.stdout.write(`STARTED ${dom.id}\n`);
setInterval(() => {}, 60_000);
