import { join } from 'node:path';
import { type DomainDef, type FilesystemDef, ofKind, VirtError } from '@virtkit/core';
import { containerInit, containerInitDir } from './container-env.js';
import type { HostTools } from './host-tools.js';
import { shellQuote as q, shellCommand } from './shell-quote.js';

/** Files the controller adds to the run directory for one start (all removed at the end). */
export const SETUP_FILES = {
  script: 'setup.sh',
  err: 'setup.err',
  /** Mount tables for `mount -a -T`: one mount(8) for many mounts (proc, /sys, /dev's tmpfs). */
  fstabSys: 'setup.fstab.sys',
  /** /dev's host nodes, devpts and, once the controller knows its pty, the console. */
  fstabDev: 'setup.fstab.dev',
  /** What /dev's tmpfs starts with (dev-skeleton.ts): one cp, where each file and link took an exec. */
  devSkeleton: 'dev.skel',
  /** Where /dev is assembled when the container shares the host's root (then moved onto /dev). */
  devStage: 'dev.stage',
} as const;

export interface SetupPlan {
  readonly runDir: string;
  readonly def: DomainDef;
  readonly tools: HostTools;
  readonly ownNetwork: boolean;
  readonly userNamespace: boolean;
}

/** Host nodes libvirt gives every container's /dev (lxcContainerPopulateDevices). */
export const DEV_NODES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
export const DEV_LINKS: readonly [string, string][] = [
  ['pts/ptmx', 'ptmx'],
  ['/proc/self/fd', 'fd'],
  ['/proc/self/fd/0', 'stdin'],
  ['/proc/self/fd/1', 'stdout'],
  ['/proc/self/fd/2', 'stderr'],
];

function mountFilesystems(def: DomainDef): FilesystemDef[] {
  return ofKind(def.devices, 'filesystem');
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

/** One line of an fstab(5); a bind with `ro` is bound then remounted read-only by mount(8) itself. */
interface MountEntry {
  readonly source: string;
  readonly target: string;
  readonly type: string;
  readonly options: string;
}

/** fstab(5) fields escape white space and backslashes in octal. */
function fstabField(text: string): string {
  return text.replace(/[\s\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

function fstabText(entries: readonly MountEntry[]): string {
  return entries
    .map((e) => `${fstabField(e.source)} ${fstabField(e.target)} ${e.type} ${e.options} 0 0\n`)
    .join('');
}

function mountAll(plan: SetupPlan, table: string): string {
  return `${q(plan.tools.mount)} -a -T ${q(join(plan.runDir, table))}`;
}

function devTmpfs(dir: string): MountEntry {
  return { source: 'devfs', target: dir, type: 'tmpfs', options: 'mode=755,size=64k' };
}

/** What /dev at `dir` holds, once its tmpfs is there: host nodes and a private devpts. */
function devEntries(plan: SetupPlan, dir: string): MountEntry[] {
  // Without a user namespace the pts get the tty group as on the host; inside one gid 5 may be unmapped.
  const ptsOpts = `newinstance,ptmxmode=0666,mode=0620${plan.userNamespace ? '' : ',gid=5'},X-mount.mkdir`;
  return [
    ...DEV_NODES.map((node) => ({
      source: `/dev/${node}`,
      target: `${dir}/${node}`,
      type: 'none',
      options: 'bind',
    })),
    { source: 'devpts', target: `${dir}/pts`, type: 'devpts', options: ptsOpts },
  ];
}

/** Where the container's /dev is assembled: in the root file system, or the stage on the host's. */
function devDir(plan: SetupPlan): string {
  const rootFs = rootFilesystem(plan.def);
  return rootFs ? `${sourceDir(rootFs)}/dev` : join(plan.runDir, SETUP_FILES.devStage);
}

/** Shell lines that fill the /dev tmpfs at `dir`: the skeleton's files and links, then the dev table's mounts. */
function devLines(plan: SetupPlan, dir: string): string[] {
  const skeleton = join(plan.runDir, SETUP_FILES.devSkeleton);
  return [
    `${q(plan.tools.cp)} -RP ${q(`${skeleton}/.`)} ${q(`${dir}/`)}`,
    mountAll(plan, SETUP_FILES.fstabDev),
  ];
}

/** /proc/sys read-only, as libvirt does unless a user namespace already confines it. */
function procSysEntries(plan: SetupPlan, proc: string): MountEntry[] {
  if (plan.userNamespace) return [];
  const dir = `${proc}/sys`;
  return [{ source: dir, target: dir, type: 'none', options: 'bind,ro,nosuid,nodev,noexec' }];
}

/** /sys: a read-only sysfs of the container's own network namespace, else the host's, read-only. */
function sysEntries(plan: SetupPlan, dir: string): MountEntry[] {
  if (plan.ownNetwork)
    return [{ source: 'sysfs', target: dir, type: 'sysfs', options: 'ro,nosuid,nodev,noexec' }];
  // In a user namespace the host's submounts of /sys are locked: only a recursive bind may take them.
  const bind = plan.userNamespace ? 'rbind' : 'bind';
  return [{ source: '/sys', target: dir, type: 'none', options: `${bind},ro,nosuid,nodev,noexec` }];
}

/** The mount tables the setup script reads (mountAll), by file name in the run directory. */
export function setupMountTables(plan: SetupPlan): Record<string, string> {
  const rootFs = rootFilesystem(plan.def);
  const root = rootFs ? sourceDir(rootFs) : undefined;
  const sys = root
    ? [
        // pivot_root needs the root to be a mount point.
        { source: root, target: root, type: 'none', options: 'bind' },
        { source: 'proc', target: `${root}/proc`, type: 'proc', options: 'nosuid,nodev,noexec' },
        ...procSysEntries(plan, `${root}/proc`),
        ...sysEntries(plan, `${root}/sys`),
        devTmpfs(`${root}/dev`),
      ]
    : [...procSysEntries(plan, '/proc'), ...sysEntries(plan, '/sys')];
  return {
    [SETUP_FILES.fstabSys]: fstabText(sys),
    [SETUP_FILES.fstabDev]: fstabText(devEntries(plan, devDir(plan))),
  };
}

/**
 * The dev table's last line, added once the shell has reported: the console's pty (`/dev/pts/N` of
 * the host, as the controller reads it from unshare's stdin) bound over /dev/console.
 */
export function consoleEntry(plan: SetupPlan, console: string): string {
  return fstabText([{ source: console, target: `${devDir(plan)}/console`, type: 'none', options: 'bind' }]);
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
  const dirs = ['proc', 'sys', 'dev', '.oldroot'].map((d) => `${R}/${d}`);
  return [
    // Builtin tests: mkdir runs only for a root file system that lacks one (its first start).
    `${dirs.map((d) => `[ -d ${d} ]`).join(' && ')} || ${q(tools.mkdir)} -p ${dirs.join(' ')}`,
    // The root bound on itself, proc, /proc/sys, /sys and /dev's tmpfs (setupMountTables).
    mountAll(plan, SETUP_FILES.fstabSys),
    ...devLines(plan, `${root}/dev`),
    ...userFsLines(plan, root),
    ...(rootFs.readonly ? [`${m} -o remount,bind,ro ${R}`] : []),
    `cd ${R}`,
    `${q(tools.pivotRoot)} . .oldroot`,
    'cd /',
    // Absolute paths now resolve in the container: run the host's umount through its own loader.
    // The empty /.oldroot stays, as libvirt leaves it: containers sharing this root pivot through it.
    `${old(tools.loader)} --library-path ${q(libPath)} ${old(tools.umount)} -l /.oldroot`,
  ];
}

/** No root file system: the host's, with the container's own /proc, /sys and /dev over it. */
function sharedRootLines(plan: SetupPlan): string[] {
  const stage = join(plan.runDir, SETUP_FILES.devStage);
  const m = q(plan.tools.mount);
  return [
    // The controller made the stage directory (an empty mount point, which it removes at the end).
    // /dev is assembled aside (the host nodes must stay visible while binding them), then moved.
    `${m} -t tmpfs -o ${devTmpfs(stage).options} devfs ${q(stage)}`,
    ...devLines(plan, stage),
    `${m} --move ${q(stage)} /dev`,
    `${m} -t proc -o nosuid,nodev,noexec proc /proc`,
    // /proc/sys and /sys (setupMountTables).
    mountAll(plan, SETUP_FILES.fstabSys),
    ...userFsLines(plan, ''),
  ];
}

/**
 * sethostname(2) through /proc/sys/kernel/hostname, a builtin's write (the container's UTS namespace
 * is the writer's). hostname(1) where that is refused (a user namespace, a read-only /proc/sys), and
 * for a name the file would silently cut or end early where sethostname(2) refuses or keeps it.
 */
function hostnameLine(plan: SetupPlan): string {
  const name = plan.def.name;
  const command = `${q(plan.tools.hostname)} ${q(name)}`;
  if (Buffer.byteLength(name) > 64 || /[\n\0]/.test(name)) return command;
  return `printf '%s\\n' ${q(name)} 2>/dev/null >/proc/sys/kernel/hostname || ${command}`;
}

/**
 * The setup shell: pid 1 of the new pid namespace, run by `unshare` as `sh setup.sh start INIT ARGS…`.
 * Stage `start` reports the host pid (what /proc/self, the host's proc, names) and waits for the
 * controller's `go`, sent once it has put the shell in the cgroup and learnt the console; stage
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
    // Descriptors 3 and 4 are the controller's pipes (setup-channel.ts).
    `  exec 2>>${file(SETUP_FILES.err)}`,
    '  cd -P /proc/self',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's parameter expansion, not a template.
    '  echo "pid ${PWD##*/}" >&3',
    '  cd /',
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
    // unshare has made every mount private already (its default --propagation private).
    hostnameLine(plan),
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
