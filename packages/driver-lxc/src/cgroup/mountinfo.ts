/** One cgroup filesystem mount from /proc/self/mountinfo. */
export interface CgroupMount {
  readonly fsType: 'cgroup' | 'cgroup2';
  readonly mountPoint: string;
  /** The hierarchy's directory that is mounted there (`/` unless a bind or a cgroup namespace). */
  readonly root: string;
  /** v1: the controllers of the hierarchy, from the super options (`cpu`, `memory`, …); v2: empty. */
  readonly controllers: readonly string[];
  /** v1: `name=systemd` and the like; such hierarchies carry no controller. */
  readonly name?: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Super options of a v1 cgroup mount that are options, not controller names. */
const V1_OPTIONS = new Set(['rw', 'ro', 'noprefix', 'clone_children', 'xattr', 'cpuset_v2_mode', 'none']);

/**
 * The cgroup mounts listed in a mountinfo text (proc(5): `id parent maj:min root mountpoint opts
 * [optional…] - fstype source superopts`).
 */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6) continue;
    const fsType = fields[dash + 1];
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const root = unescapeField(fields[3] ?? '/');
    const mountPoint = unescapeField(fields[4] ?? '');
    if (fsType === 'cgroup2') {
      mounts.push({ fsType, mountPoint, root, controllers: [] });
      continue;
    }
    const controllers: string[] = [];
    let name: string | undefined;
    for (const opt of (fields[dash + 3] ?? '').split(',')) {
      if (opt.startsWith('name=')) name = opt.slice('name='.length);
      else if (opt !== '' && !V1_OPTIONS.has(opt) && !opt.includes('=')) controllers.push(opt);
    }
    mounts.push({ fsType, mountPoint, root, controllers, ...(name === undefined ? {} : { name }) });
  }
  return mounts;
}
