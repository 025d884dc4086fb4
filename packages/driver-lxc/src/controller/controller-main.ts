/**
 * A container's controller (libvirt's libvirt_lxc), run by controller-entry.cjs. Started detached by
 * the manager: either `<runDir>`, with stdout/stderr on the container's log already, or
 * `--spare <runParent>`, ahead of need, waiting for its run directory (spare.ts). It outlives the
 * manager and exits only once the container has ended and its cgroup, veths, sockets and setup
 * files are gone. Its working directory is its run directory: that is how a later manager knows it.
 */
import { resolve } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { ContainerRun } from './container-run.js';
import { useHostTools } from './host-tools.js';
import { awaitAssignment, redirectOutput, reportReady } from './spare.js';
import { warmUp } from './warm-up.js';

let run: ContainerRun | undefined;
let terminating = false;
const onTerminate = (sig: NodeJS.Signals) => {
  // A spare has no container yet: it just goes.
  if (!run) process.exit(0);
  if (terminating) return;
  terminating = true;
  console.error(`${sig}: killing the container`);
  void run.terminate();
};

async function main(): Promise<void> {
  let runDir = process.argv[2];
  let onListening: (() => Promise<void>) | undefined;
  if (runDir === '--spare') {
    const waiting = awaitAssignment();
    // Compiled now (the spare is waiting), a start's code is not compiled during the start.
    warmUp();
    const assignment = await waiting;
    if (!assignment) process.exit(0);
    useHostTools(assignment.tools);
    redirectOutput(assignment.logPath);
    runDir = assignment.runDir;
    onListening = reportReady;
  }
  if (runDir === undefined) {
    console.error('usage: controller-entry.cjs <runDir> | --spare <runParent>');
    process.exit(2);
  }
  runDir = resolve(runDir);
  process.chdir(runDir);
  console.error(`controller ${process.pid} starting in ${runDir}`);
  run = new ContainerRun(runDir);
  await run.run(onListening);
}

/** The process's own state (signals, console): never part of a startup snapshot. */
function startController(): void {
  const stamp = () => new Date().toISOString();
  const log = console.error.bind(console);
  console.error = (...args: unknown[]) => log(stamp(), ...args);

  // The manager (or its terminal) going away must not take the container with it.
  process.on('SIGHUP', () => {});
  process.on('SIGPIPE', () => {});
  process.on('SIGTERM', onTerminate);
  process.on('SIGINT', onTerminate);

  main().then(
    () => process.exit(0),
    (error: Error) => {
      console.error(`controller failed: ${error.stack ?? error.message}`);
      process.exit(1);
    },
  );
}

// Under `node --build-snapshot` (scripts/bundle-controller.mjs) the loaded bundle is saved, and a
// run from the snapshot starts here.
if (startupSnapshot.isBuildingSnapshot()) {
  warmUp();
  startupSnapshot.setDeserializeMainFunction(startController);
} else startController();
