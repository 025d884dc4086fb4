import {
  type DomainCapabilitiesOptions,
  errnoText,
  HOST_ARCH,
  readHostFacts,
  VIRT_TYPES,
  VirtError,
  writeXml,
} from '@virtkit/core';
import { resolveEmulator } from '../capabilities-source.js';
import { findMachine, type QemuCaps } from '../caps/index.js';
import { domainCapsXml } from './domain-caps.js';
import { writeIndented } from './element.js';
import { loadFirmwareDescriptors } from './firmware-descriptors.js';
import { guestXml } from './guests.js';
import { hostXml } from './host.js';

type Env = Readonly<Record<string, string | undefined>>;

/** How the documents reach the probed capabilities (the connection's cache). */
export interface CapsSource {
  env: Env;
  /** Caps of an emulator named by path or by a name found in PATH; rejects when there is none. */
  capsOf(binary: string): Promise<QemuCaps>;
}

/** The emulator libvirt runs for each arch it offers, preferred first. */
const EMULATORS_BY_ARCH: readonly (readonly [string, readonly string[]])[] = [
  ['i686', ['qemu-system-i386', 'qemu-system-x86_64']],
  ['x86_64', ['qemu-system-x86_64']],
];

/** libvirt's architecture names (virArch): any other name is refused as unknown. */
const KNOWN_ARCHES = new Set([
  'alpha',
  'armv6l',
  'armv7l',
  'armv7b',
  'aarch64',
  'cris',
  'i686',
  'ia64',
  'lm32',
  'loongarch64',
  'm68k',
  'microblaze',
  'microblazeel',
  'mips',
  'mipsel',
  'mips64',
  'mips64el',
  'openrisc',
  'parisc',
  'parisc64',
  'ppc',
  'ppcle',
  'ppc64',
  'ppc64le',
  'ppcemb',
  'riscv32',
  'riscv64',
  's390',
  's390x',
  'sh4',
  'sh4eb',
  'sparc',
  'sparc64',
  'unicore32',
  'x86_64',
  'xtensa',
  'xtensaeb',
]);

/** libvirt's domain types (virDomainVirtType): the XML's, plus two only its C enum still names. */
const KNOWN_VIRT_TYPES = new Set<string>(['none', 'parallels', ...VIRT_TYPES]);

const invalid = (detail: string) => new VirtError('INVALID_ARG', detail);

/** The emulator serving `arch`: the first of its candidates found in PATH, as exec would find it. */
async function findEmulator(arch: string, env: Env): Promise<string | undefined> {
  for (const binary of EMULATORS_BY_ARCH.find(([name]) => name === arch)?.[1] ?? []) {
    if (
      await resolveEmulator(binary, env).then(
        () => true,
        () => false,
      )
    )
      return binary;
  }
  return undefined;
}

/** Caps of the emulators the host capabilities list, one guest per arch, in libvirt's arch order. */
async function guestCaps(source: CapsSource): Promise<QemuCaps[]> {
  const found: QemuCaps[] = [];
  for (const [arch] of EMULATORS_BY_ARCH) {
    const binary = await findEmulator(arch, source.env);
    // An x86_64 emulator serving i686 guests is listed under i686 as well.
    if (binary !== undefined) found.push({ ...(await source.capsOf(binary)), arch });
  }
  return found;
}

/** virConnectGetCapabilities: the host, then one guest per emulator arch. */
export async function capabilitiesDocument(source: CapsSource): Promise<string> {
  const guests = await guestCaps(source);
  const facts = await readHostFacts(HOST_ARCH);
  const rdma = guests.some((caps) => caps.flags.has('migrate-rdma'));
  const host = hostXml(facts, { rdma, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 });
  const sections = [host, ...guests.map(guestXml)].map((section) => writeIndented(section, 2));
  return `<capabilities>\n\n${sections.join('\n')}\n</capabilities>\n`;
}

/** The emulator for `arch` when none is named. */
async function emulatorFor(arch: string, source: CapsSource): Promise<QemuCaps> {
  const binary = await findEmulator(arch, source.env);
  if (binary === undefined) {
    throw new VirtError('CONFIG_UNSUPPORTED', `unable to find any emulator to serve '${arch}' architecture`);
  }
  return source.capsOf(binary);
}

/** The emulator named by `--emulatorbin`; one that cannot be read fails as libvirt's stat of it. */
async function namedEmulator(path: string, source: CapsSource): Promise<QemuCaps> {
  try {
    return await source.capsOf(path);
  } catch (error) {
    const errno = error as NodeJS.ErrnoException;
    if (error instanceof VirtError || typeof errno?.errno !== 'number') throw error;
    throw new VirtError('SYSTEM_ERROR', `Cannot check QEMU binary ${path}: ${errnoText(errno)}`);
  }
}

/**
 * virConnectGetDomainCapabilities: what one emulator offers a domain of one type, arch and
 * machine. Unset selectors default as libvirt's do: the host's arch, its emulator, KVM when the
 * emulator has it, the emulator's default machine.
 */
export async function domainCapabilitiesDocument(
  options: DomainCapabilitiesOptions,
  source: CapsSource,
): Promise<string> {
  if (options.virtType !== undefined && !KNOWN_VIRT_TYPES.has(options.virtType)) {
    throw invalid(`unknown virttype: ${options.virtType}`);
  }
  if (options.arch !== undefined && !KNOWN_ARCHES.has(options.arch)) {
    throw invalid(`unknown architecture: ${options.arch}`);
  }
  const arch = options.arch ?? HOST_ARCH;
  const caps = options.emulatorBin
    ? await namedEmulator(options.emulatorBin, source)
    : await emulatorFor(arch, source);
  const emulator = caps.emulator ?? options.emulatorBin ?? '';
  // An x86_64 emulator also runs i686 guests.
  if (arch !== caps.arch && !(arch === 'i686' && caps.arch === 'x86_64')) {
    throw invalid(`Emulator '${emulator}' does not support arch '${arch}'`);
  }
  const kvm = caps.machines.some((m) => m.accel === 'kvm');
  const virtType = options.virtType ?? (kvm ? 'kvm' : 'qemu');
  if (virtType !== 'qemu' && !(virtType === 'kvm' && kvm)) {
    throw invalid(`Emulator '${emulator}' does not support virt type '${virtType}'`);
  }
  const accel = virtType === 'kvm' ? 'kvm' : 'tcg';
  const machine = options.machine
    ? findMachine(caps, accel, options.machine)
    : caps.machines.find((m) => m.accel === accel && m.isDefault);
  if (!machine) {
    throw invalid(`the machine '${options.machine ?? ''}' is not supported by emulator '${emulator}'`);
  }
  const facts = await readHostFacts(arch);
  const firmware = await loadFirmwareDescriptors();
  const host = {
    ...(facts.cpu.vendor !== undefined && { vendor: facts.cpu.vendor }),
    vfio: facts.iommu,
    swtpm: await resolveEmulator('swtpm', source.env).then(
      () => true,
      () => false,
    ),
    firmware,
  };
  return writeXml(domainCapsXml({ caps: { ...caps, emulator }, virtType, machine, arch }, host));
}
