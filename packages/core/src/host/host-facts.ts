import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCpuSet } from '../xml/index.js';

/** What the host capabilities say about this machine, read from /proc and /sys. */
export interface HostFacts {
  uuid: string;
  arch: string;
  cpu: {
    vendor?: string;
    microcode?: number;
    signature?: { family: number; model: number; stepping: number };
    /** The first CPU's clock, as /proc/cpuinfo says it. */
    mhz?: number;
    tscHz?: number;
    tscScaling: boolean;
    physBits?: number;
    /** CPUID features in libvirt's names. */
    features: string[];
  };
  topology: { sockets: number; dies: number; cores: number; threads: number };
  /** Page sizes in KiB, the base page first. */
  pageSizesKiB: number[];
  suspendTargets: string[];
  iommu: boolean;
  cells: HostCell[];
  caches: { id: number; level: number; type: string; bytes: number; cpus: string }[];
}

export interface HostCell {
  id: number;
  memoryKiB: number;
  /** Free-standing count of each page size's pages, same order as `pageSizesKiB`. */
  pages: number[];
  distances: { id: number; value: number }[];
  cpus: { id: number; socketId: number; dieId: number; coreId: number; siblings: string }[];
}

const readText = (path: string): Promise<string | undefined> =>
  readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );

const listDir = (path: string): Promise<string[]> => readdir(path).catch(() => []);

/** Linux's /proc/cpuinfo flag names where libvirt's CPU map names the feature otherwise. */
const LIBVIRT_FEATURE_NAMES: Readonly<Record<string, string>> = {
  pclmulqdq: 'pclmuldq',
  sse4_1: 'sse4.1',
  sse4_2: 'sse4.2',
  tsc_deadline_timer: 'tsc-deadline',
  sha_ni: 'sha-ni',
  cr8_legacy: 'cr8legacy',
  avx512_vbmi2: 'avx512vbmi2',
  avx512_vnni: 'avx512vnni',
  avx512_bitalg: 'avx512bitalg',
  avx512_vpopcntdq: 'avx512-vpopcntdq',
  avx512_vp2intersect: 'avx512-vp2intersect',
  avx512_bf16: 'avx512-bf16',
  avx512_fp16: 'avx512-fp16',
  avx_vnni: 'avx-vnni',
  nrip_save: 'nrip-save',
};

/** Flags Linux makes up (or takes from elsewhere than CPUID): no libvirt feature. */
const LINUX_ONLY_FLAGS = new Set([
  'constant_tsc',
  'rep_good',
  'nopl',
  'xtopology',
  'nonstop_tsc',
  'cpuid',
  'extd_apicid',
  'tsc_known_freq',
  'vmmcall',
  'aperfmperf',
  'tsc_reliable',
  'nonstop_tsc_s3',
  'arch_perfmon',
  'pebs',
  'bts',
  'amd_dcm',
  'art',
  'eagerfpu',
  'cpuid_fault',
  'ibpb',
  'ibrs',
  'stibp',
  'ssbd',
  'retpoline',
  'pti',
  'vnmi',
  'user_shstk',
  'flush_l1d',
  'md_clear',
  'arch_capabilities',
  'decodeassists',
  'flushbyasid',
  'tsc_scale',
  'vmcb_clean',
  'pausefilter',
  'pfthreshold',
  'v_vmsave_vmload',
  'lbrv',
  'avic',
  'v_spec_ctrl',
]);

interface CpuInfo {
  fields: Map<string, string>;
  flags: string[];
}

async function cpuInfo(): Promise<CpuInfo> {
  const text = (await readText('/proc/cpuinfo')) ?? '';
  const first = text.split(/\n\s*\n/)[0] ?? '';
  const fields = new Map<string, string>();
  for (const line of first.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { fields, flags: (fields.get('flags') ?? '').split(/\s+/).filter(Boolean) };
}

function libvirtFeatures(flags: readonly string[]): string[] {
  const features = flags.filter((f) => !LINUX_ONLY_FLAGS.has(f)).map((f) => LIBVIRT_FEATURE_NAMES[f] ?? f);
  // An invariant TSC is CPUID 0x80000007 EDX bit 8; Linux shows it as these two.
  if (flags.includes('constant_tsc') && flags.includes('nonstop_tsc')) features.push('invtsc');
  return features;
}

const VENDORS: Readonly<Record<string, string>> = {
  GenuineIntel: 'Intel',
  AuthenticAMD: 'AMD',
  HygonGenuine: 'Hygon',
};

/** libvirt's host UUID: SMBIOS's when there is one, else one stable for this installation. */
async function hostUuid(): Promise<string> {
  const smbios = await readText('/sys/class/dmi/id/product_uuid');
  if (smbios) return smbios.toLowerCase();
  const id = (await readText('/etc/machine-id')) ?? '00000000000000000000000000000000';
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
}

const CPU_DIR = '/sys/devices/system/cpu';
const NODE_DIR = '/sys/devices/system/node';

async function topologyOf(cpu: number) {
  const read = async (name: string) =>
    Number((await readText(join(CPU_DIR, `cpu${cpu}`, 'topology', name))) ?? 0);
  return {
    socketId: await read('physical_package_id'),
    dieId: await read('die_id'),
    coreId: await read('core_id'),
    siblings: (await readText(join(CPU_DIR, `cpu${cpu}`, 'topology', 'thread_siblings_list'))) ?? String(cpu),
  };
}

async function hugePageSizesKiB(dir: string): Promise<number[]> {
  return (await listDir(dir))
    .map((name) => Number(/^hugepages-(\d+)kB$/.exec(name)?.[1]))
    .filter((size) => size > 0)
    .sort((a, b) => a - b);
}

async function cellOf(id: number, pageSizesKiB: readonly number[]): Promise<HostCell> {
  const dir = join(NODE_DIR, `node${id}`);
  const meminfo = (await readText(join(dir, 'meminfo'))) ?? '';
  const memoryKiB = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0);
  const [base = 4, ...huge] = pageSizesKiB;
  const hugeCounts = await Promise.all(
    huge.map(async (size) =>
      Number((await readText(join(dir, 'hugepages', `hugepages-${size}kB`, 'nr_hugepages'))) ?? 0),
    ),
  );
  const hugeKiB = huge.reduce((sum, size, i) => sum + size * (hugeCounts[i] ?? 0), 0);
  const nodes = (await listDir(NODE_DIR)).filter((n) => /^node\d+$/.test(n)).map((n) => Number(n.slice(4)));
  const distances = ((await readText(join(dir, 'distance'))) ?? '').split(/\s+/).filter(Boolean).map(Number);
  const cpuList = (await readText(join(dir, 'cpulist'))) ?? '';
  // sysfs writes CPU lists in libvirt's bitmap syntax (`0-2,5`); an empty one is a CPU-less node.
  const cpuIds = cpuList ? [...parseCpuSet(cpuList, join(dir, 'cpulist'))].sort((a, b) => a - b) : [];
  return {
    id,
    memoryKiB,
    pages: [Math.floor((memoryKiB - hugeKiB) / base), ...hugeCounts],
    distances: nodes.sort((a, b) => a - b).map((node, i) => ({ id: node, value: distances[i] ?? 0 })),
    cpus: await Promise.all(cpuIds.map(async (cpu) => ({ id: cpu, ...(await topologyOf(cpu)) }))),
  };
}

/** Level 3 (and higher) caches shared by CPUs, as libvirt's `<cache>` lists them. */
async function cachesOf(cpuIds: readonly number[]): Promise<HostFacts['caches']> {
  const banks = new Map<string, HostFacts['caches'][number]>();
  for (const cpu of cpuIds) {
    const dir = join(CPU_DIR, `cpu${cpu}`, 'cache');
    for (const index of await listDir(dir)) {
      const read = (name: string) => readText(join(dir, index, name));
      const level = Number(await read('level'));
      if (!(level >= 3)) continue;
      const kind = (await read('type')) ?? 'Unified';
      const type = kind === 'Unified' ? 'both' : kind === 'Data' ? 'data' : 'code';
      const id = Number((await read('id')) ?? 0);
      const bytes = Number(/^(\d+)K$/.exec((await read('size')) ?? '')?.[1] ?? 0) * 1024;
      banks.set(`${level}/${type}/${id}`, {
        id,
        level,
        type,
        bytes,
        cpus: (await read('shared_cpu_list')) ?? '',
      });
    }
  }
  return [...banks.values()];
}

/** What virNodeGetInfo needs of this machine: the first CPU's cpuinfo, the NUMA cells and the CPU topology. */
export interface HostTopology extends Pick<HostFacts, 'topology' | 'pageSizesKiB' | 'cells'> {
  /** /proc/cpuinfo's first CPU. */
  info: CpuInfo;
  /** Its clock, as /proc/cpuinfo says it. */
  mhz?: number;
}

/** The CPUs and NUMA cells of this machine, without what only the capabilities need (caches, uuid, iommu). */
export async function readHostTopology(): Promise<HostTopology> {
  const info = await cpuInfo();
  const pageSizesKiB = [4, ...(await hugePageSizesKiB('/sys/kernel/mm/hugepages'))];
  const cells = await Promise.all(
    (await listDir(NODE_DIR))
      .filter((n) => /^node\d+$/.test(n))
      .map((n) => Number(n.slice(4)))
      .sort((a, b) => a - b)
      .map((id) => cellOf(id, pageSizesKiB)),
  );
  const cpus = cells.flatMap((c) => c.cpus);
  const sockets = new Set(cpus.map((c) => c.socketId)).size || 1;
  const dies = new Set(cpus.map((c) => `${c.socketId}/${c.dieId}`)).size / sockets || 1;
  const cores = new Set(cpus.map((c) => `${c.socketId}/${c.dieId}/${c.coreId}`)).size / (sockets * dies) || 1;
  const threads = Math.max(1, cpus.length / (sockets * dies * cores));
  const mhz = Number(info.fields.get('cpu MHz'));
  return {
    info,
    ...(mhz > 0 && { mhz }),
    topology: { sockets, dies, cores, threads },
    pageSizesKiB,
    cells,
  };
}

/** This machine as libvirt's host capabilities and node info describe it, for `arch`. */
export async function readHostFacts(arch: string): Promise<HostFacts> {
  const { info, mhz, topology, pageSizesKiB, cells } = await readHostTopology();
  const field = (name: string) => info.fields.get(name);
  const microcode = field('microcode');
  const physBits = /(\d+) bits physical/.exec(field('address sizes') ?? '')?.[1];
  const vendor = VENDORS[field('vendor_id') ?? ''];
  const family = field('cpu family');
  const iommuGroups = await listDir('/sys/kernel/iommu_groups');
  return {
    uuid: await hostUuid(),
    arch,
    cpu: {
      ...(vendor !== undefined && { vendor }),
      ...(microcode !== undefined && { microcode: Number(microcode) }),
      ...(family !== undefined && {
        signature: {
          family: Number(family),
          model: Number(field('model')),
          stepping: Number(field('stepping')),
        },
      }),
      ...(mhz !== undefined && { mhz }),
      ...(info.flags.includes('tsc_known_freq') &&
        mhz !== undefined && { tscHz: Math.round(mhz * 1000) * 1000 }),
      tscScaling: info.flags.includes('tsc_scale'),
      ...(physBits !== undefined && { physBits: Number(physBits) }),
      features: libvirtFeatures(info.flags),
    },
    topology,
    pageSizesKiB,
    suspendTargets: ((await readText('/sys/power/state')) ?? '').split(/\s+/).filter(Boolean),
    iommu: iommuGroups.length > 0,
    cells,
    caches: await cachesOf(cells.flatMap((c) => c.cpus).map((c) => c.id)),
  };
}
