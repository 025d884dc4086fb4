import { parseDomainXml } from '@virtkit/core';
import { cgroupTuneOf, limitWrites } from '../cgroup/index.js';
import { needsOwnNetwork } from '../host-network/index.js';
import { lxcDomainXml } from '../testing/domain-xml.js';
import { containerEnv } from './container-env.js';
import {
  consoleEntry,
  containerCommand,
  type SetupPlan,
  setupMountTables,
  setupScript,
} from './container-setup.js';
import type { HostTools } from './host-tools.js';
import { readIdMap } from './id-map.js';

const SAMPLE = lxcDomainXml({
  name: 'warm-up',
  uuid: '00000000-0000-4000-8000-000000000000',
  rootfs: '/nonexistent/warm-up',
  initArgs: ['--warm-up'],
  initEnv: { WARM: 'up' },
  mounts: [{ source: '/nonexistent/data', target: '/data', readonly: true }],
  extraXml: '  <features><privnet/></features>\n  <on_poweroff>destroy</on_poweroff>',
});

/** Paths only written into text here, never run. */
const PLACEHOLDER_TOOLS: HostTools = {
  sh: '/bin/sh',
  mount: '/bin/mount',
  umount: '/bin/umount',
  hostname: '/bin/hostname',
  setpriv: '/bin/setpriv',
  unshare: '/bin/unshare',
  script: '/bin/script',
  mkdir: '/bin/mkdir',
  cp: '/bin/cp',
  cat: '/bin/cat',
  pivotRoot: '/sbin/pivot_root',
  loader: '/lib/ld.so',
  libraryDirs: ['/lib'],
};

/**
 * Runs a start's pure steps (parsing live.xml, the setup script and tables, the cgroup limits) once
 * on a sample while a spare waits: the code cache holds only what the build's run compiled, so
 * otherwise compiling them would be part of the next container's start (~5 ms). Touches nothing.
 */
export function warmUp(): void {
  const def = parseDomainXml(SAMPLE);
  const idMap = readIdMap(def);
  const plan: SetupPlan = {
    runDir: '/nonexistent/run',
    def,
    tools: PLACEHOLDER_TOOLS,
    ownNetwork: needsOwnNetwork(def),
    userNamespace: idMap !== undefined,
  };
  setupScript(plan);
  setupMountTables(plan);
  consoleEntry(plan, '/dev/pts/0');
  containerCommand(plan);
  containerEnv(def);
  limitWrites(cgroupTuneOf(def), 1);
}
