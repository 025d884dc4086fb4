import { join } from 'node:path';
import type { DomainDef, FilesystemDef } from '@virtkit/core';
import { VirtError } from '@virtkit/core';
import { containerInit, containerInitDir } from './container-env.js';
import type { HostTools } from './host-tools.js';
import { shellQuote as q, shellCommand } from './shell-quote.js';

/** Files the controller adds to the run directory for one start (all removed at the end). */
export const SETUP_FILES = {
  script: 'setup.sh',
  err: 'setup.err',
  /** Setup shell → controller: `pid N`, then `exec`. */
  out: 'setup.out.fifo',
  /** Controller → setup shell: `go`. */
  in: 'setup.in.fifo',
  /** Where /dev is assembled when the container shares the host's root (then moved onto /dev). */
  devStage: 'dev.stage',
} as const;

export interface SetupPlan {
  readonly runDir: string;
  readonly def: DomainDef;
  readonly tools: HostTools;
  /** cgroup.procs files the shell joins before anything else runs in the container. */
  readonly procsFiles: readonly string[];
  readonly ownNetwork: boolean;
  readonly userNamespace: boolean;
}

/** Host nodes libvirt gives every container's /dev (lxcContainerPopulateDevices). */
const DEV_NODES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
const DEV_LINKS: readonly [string, string][] = [
  ['/proc/self/fd', 'fd'],
  ['/proc/self/fd/0', 'stdin'],
  ['/proc/self/fd/1', 'stdout'],
  ['/proc/self/fd/2', 'stderr'],
];

function mountFilesystems(def: DomainDef): FilesystemDef[] {
  return def.devices.filter((d): d is FilesystemDef => d.kind === 'filesystem');
}

/** The `<filesystem>` mounted on `/`, if any: without one libvirt shares the host's root. */
export function rootFilesystem(def: DomainDef): FilesystemDef | undefined {
  return mountFilesystems(def).find((fs) => fs.targetDir === '/');
}

function sourceDir(fs: FilesystemDef): string {
  const dir = fs.source.dir;
  if (fs.type !== 'mount' || dir === undefined) {
    throw new VirtError('CONFIG_UNSUPPORTED', `Unexpected filesystem type ${fs.type}`, { domain: 'LXC' });
  }
  return dir;
}

/** Shell lines that build a /dev at `dir` (tmpfs, host nodes, private devpts, console). */
function devLines(plan: SetupPlan, dir: string): string[] {
  const { mount, mkdir, ln } = plan.tools;
  const m = q(mount);
  // Without a user namespace the pts get the tty group as on the host; inside one gid 5 may be unmapped.
  const ptsOpts = `newinstance,ptmxmode=0666,mode=0620${plan.userNamespace ? '' : ',gid=5'}`;
  return [
    `${m} -t tmpfs -o mode=755,size=64k devfs ${q(dir)}`,
    `for node in ${DEV_NODES.join(' ')}; do : >${q(dir)}/"$node"; ${m} --bind /dev/"$node" ${q(dir)}/"$node"; done`,
    `${q(mkdir)} ${q(`${dir}/pts`)}`,
    `${m} -t devpts -o ${ptsOpts} devpts ${q(`${dir}/pts`)}`,
    `${q(ln)} -s pts/ptmx ${q(`${dir}/ptmx`)}`,
    ...DEV_LINKS.map(([target, name]) => `${q(ln)} -s ${q(target)} ${q(`${dir}/${name}`)}`),
    `: >${q(`${dir}/console`)}`,
    `${m} --bind "$console" ${q(`${dir}/console`)}`,
  ];
}

/** /proc/sys read-only, as libvirt does unless a user namespace already confines it. */
function procSysLines(plan: SetupPlan, proc: string): string[] {
  if (plan.userNamespace) return [];
  const m = q(plan.tools.mount);
  const dir = q(`${proc}/sys`);
  return [`${m} --bind ${dir} ${dir}`, `${m} -o remount,bind,ro,nosuid,nodev,noexec ${dir}`];
}

/** /sys: a read-only sysfs of the container's own network namespace, else the host's, read-only. */
function sysLines(plan: SetupPlan, dir: string): string[] {
  const m = q(plan.tools.mount);
  if (plan.ownNetwork) return [`${m} -t sysfs -o ro,nosuid,nodev,noexec sysfs ${q(dir)}`];
  // In a user namespace the host's submounts of /sys are locked: only a recursive bind may take them.
  const bind = plan.userNamespace ? '--rbind' : '--bind';
  return [`${m} ${bind} /sys ${q(dir)}`, `${m} -o remount,bind,ro,nosuid,nodev,noexec ${q(dir)}`];
}

/** The other `<filesystem>`s, under `root` ('' when sharing the host's root). */
function userFsLines(plan: SetupPlan, root: string): string[] {
  const m = q(plan.tools.mount);
  const lines: string[] = [];
  for (const fs of mountFilesystems(plan.def)) {
    if (fs.targetDir === undefined || fs.targetDir === '/') continue;
    const target = q(join(root || '/', fs.targetDir));
    lines.push(`${q(plan.tools.mkdir)} -p ${target}`);
    if (fs.type === 'ram') {
      const size = fs.ramUsageKiB === undefined ? '' : `,size=${fs.ramUsageKiB}k`;
      lines.push(`${m} -t tmpfs -o mode=755${size} tmpfs ${target}`);
    } else {
      lines.push(`${m} --bind ${q(sourceDir(fs))} ${target}`);
    }
    if (fs.readonly) lines.push(`${m} -o remount,bind,ro ${target}`);
  }
  return lines;
}

/** Mounts into the root file system, then pivot_root into it and detach the host's tree. */
function pivotLines(plan: SetupPlan, rootFs: FilesystemDef): string[] {
  const { tools } = plan;
  const m = q(tools.mount);
  const root = sourceDir(rootFs);
  const R = q(root);
  const old = (path: string) => q(`/.oldroot${path}`);
  const libPath = tools.libraryDirs.map((d) => `/.oldroot${d}`).join(':');
  return [
    `${m} --bind ${R} ${R}`,
    `${q(tools.mkdir)} -p ${R}/proc ${R}/sys ${R}/dev ${R}/.oldroot`,
    `${m} -t proc -o nosuid,nodev,noexec proc ${R}/proc`,
    ...procSysLines(plan, `${root}/proc`),
    ...sysLines(plan, `${root}/sys`),
    ...devLines(plan, `${root}/dev`),
    ...userFsLines(plan, root),
    ...(rootFs.readonly ? [`${m} -o remount,bind,ro ${R}`] : []),
    `${q(tools.hostname)} ${q(plan.def.name)}`,
    `cd ${R}`,
    `${q(tools.pivotRoot)} . .oldroot`,
    'cd /',
    // Absolute paths now resolve in the container: run the host's umount through its own loader.
    `${old(tools.loader)} --library-path ${q(libPath)} ${old(tools.umount)} -l /.oldroot`,
    'rmdir /.oldroot 2>/dev/null || :',
  ];
}

/** No root file system: the host's, with the container's own /proc, /sys and /dev over it. */
function sharedRootLines(plan: SetupPlan): string[] {
  const stage = join(plan.runDir, SETUP_FILES.devStage);
  const m = q(plan.tools.mount);
  return [
    `${q(plan.tools.mkdir)} -p ${q(stage)}`,
    // /dev is assembled aside (the host nodes must stay visible while binding them), then moved.
    ...devLines(plan, stage),
    `${m} --move ${q(stage)} /dev`,
    `${m} -t proc -o nosuid,nodev,noexec proc /proc`,
    ...procSysLines(plan, '/proc'),
    ...sysLines(plan, '/sys'),
    ...userFsLines(plan, ''),
    `${q(plan.tools.hostname)} ${q(plan.def.name)}`,
  ];
}

/**
 * The setup shell: pid 1 of the new pid namespace, run by `unshare` as `sh setup.sh start INIT ARGS…`.
 * Stage `start` reports the host pid, joins the cgroup and waits for the controller's `go`; stage
 * `mount` (the same process, re-exec'd with root's ids when there is a user namespace) builds the
 * container's file system and becomes init.
 */
export function setupScript(plan: SetupPlan): string {
  const { runDir, tools } = plan;
  const file = (name: string) => q(join(runDir, name));
  const rootFs = rootFilesystem(plan.def);
  const initDir = containerInitDir(plan.def);
  const lines = [
    '# virtkit LXC container setup, generated by the controller for one start',
    'set -e',
    'stage=$1',
    'shift',
    'if [ "$stage" = start ]; then',
    `  exec 2>>${file(SETUP_FILES.err)} 3>${file(SETUP_FILES.out)} 4<${file(SETUP_FILES.in)}`,
    '  pid=',
    '  while read -r key first rest; do',
    '    if [ "$key" = NSpid: ]; then pid=$first; break; fi',
    '  done </proc/self/status',
    '  echo "pid $pid" >&3',
    ...plan.procsFiles.map((f) => `  echo 0 >${q(f)}`),
    '  go=',
    '  read -r go <&4 || :',
    '  if [ "$go" != go ]; then echo "the controller did not let the container start" >&2; exit 1; fi',
    ...(plan.userNamespace
      ? [
          // The maps are written now: become the namespace's root so exec grants its capabilities.
          `  script=$(${q(tools.cat)} "$0")`,
          `  exec ${q(tools.setpriv)} --reuid=0 --regid=0 --clear-groups -- ${q(tools.sh)} -c "$script" "$0" mount "$@"`,
        ]
      : []),
    'fi',
    `console=$(${q(tools.tty)})`,
    `${q(tools.mount)} --make-rprivate /`,
    ...(rootFs ? pivotLines(plan, rootFs) : sharedRootLines(plan)),
    ...(initDir ? [`cd ${q(initDir)}`] : []),
    'case $1 in',
    '  */*) [ -e "$1" ] ;;',
    '  *) command -v "$1" >/dev/null 2>&1 ;;',
    `esac || { echo "cannot find init path '$1' relative to container root" >&2; exit 1; }`,
    'echo exec >&3',
    'exec 3>&- 4<&- 2>&1',
    'unset OLDPWD PWD',
    'exec "$@"',
  ];
  return `${lines.join('\n')}\n`;
}

/** `script`'s arguments: a pty for the container (its console), running unshare → setup shell → init. */
export function containerCommand(plan: SetupPlan): { file: string; args: string[] } {
  const { tools, def } = plan;
  const unshare = [
    tools.unshare,
    '--mount',
    '--uts',
    '--ipc',
    '--pid',
    ...(plan.ownNetwork ? ['--net'] : []),
    // Ambient capabilities carry the new namespace's privileges across exec until the maps exist.
    ...(plan.userNamespace ? ['--user', '--keep-caps'] : []),
    '--fork',
    '--kill-child',
    '--',
    tools.sh,
    join(plan.runDir, SETUP_FILES.script),
    'start',
    containerInit(def),
    ...def.os.initArgs,
  ];
  return {
    file: tools.script,
    args: ['-qfe', '-E', 'never', '-c', `exec ${shellCommand(unshare)}`, '/dev/null'],
  };
}
