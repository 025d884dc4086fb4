/**
 * A container's controller (libvirt's libvirt_lxc): `node controller-main.js <runDir>`. Started
 * detached by the manager with stdout/stderr on the container's log; it outlives the manager and
 * exits only once the container has ended and its cgroup, veths, sockets and setup files are gone.
 */
import { resolve } from 'node:path';
import { ContainerRun } from './container-run.js';

const runDir = process.argv[2];
if (runDir === undefined) {
  console.error('usage: controller-main.js <runDir>');
  process.exit(2);
}

const stamp = () => new Date().toISOString();
const log = console.error.bind(console);
console.error = (...args: unknown[]) => log(stamp(), ...args);

// The manager (or its terminal) going away must not take the container with it.
process.on('SIGHUP', () => {});
process.on('SIGPIPE', () => {});

const run = new ContainerRun(resolve(runDir));
let terminating = false;
const onTerminate = (sig: NodeJS.Signals) => {
  if (terminating) return;
  terminating = true;
  console.error(`${sig}: killing the container`);
  void run.terminate();
};
process.on('SIGTERM', onTerminate);
process.on('SIGINT', onTerminate);

console.error(`controller ${process.pid} starting in ${runDir}`);
run.run().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`controller failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
