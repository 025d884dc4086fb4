import {
  type DomainDef,
  escapeXml,
  formatDomainXml,
  generateUuid,
  parseDomainXml,
  VirtError,
} from '@virtkit/core';
import { blkiotune, cpuset, cputune, memtune } from './cgroup.js';
import { allValues, lastValue, parseLxcConfig } from './config.js';
import { fstabToXml, parseFstabLine } from './fstab.js';
import { idmapToXml } from './idmap.js';
import { collectNetworks, networksToXml } from './network.js';

export interface LxcFromNativeOptions {
  /** UUID to use instead of a random one (libvirt's tests force one). */
  uuid?: string;
  /** The `<emulator>` path; libvirt's tests use /usr/libexec/libvirt_lxc, installs their libexec dir. */
  emulator?: string;
}

const ARCHES: Record<string, string> = {
  x86: 'i686',
  i686: 'i686',
  x86_64: 'x86_64',
  amd64: 'x86_64',
  armhf: 'armv7l',
  armel: 'armv6l',
  arm64: 'aarch64',
  ppc64el: 'ppc64le',
};

// libvirt's process-capability enum order, which is the order it writes them in.
const CAP_ORDER = [
  'audit_control',
  'audit_write',
  'block_suspend',
  'chown',
  'dac_override',
  'dac_read_search',
  'fowner',
  'fsetid',
  'ipc_lock',
  'ipc_owner',
  'kill',
  'lease',
  'linux_immutable',
  'mac_admin',
  'mac_override',
  'mknod',
  'net_admin',
  'net_bind_service',
  'net_broadcast',
  'net_raw',
  'setgid',
  'setfcap',
  'setpcap',
  'setuid',
  'sys_admin',
  'sys_boot',
  'sys_chroot',
  'sys_module',
  'sys_nice',
  'sys_pacct',
  'sys_ptrace',
  'sys_rawio',
  'sys_resource',
  'sys_time',
  'sys_tty_config',
  'syslog',
  'wake_alarm',
];

function capRank(cap: string): number {
  const i = CAP_ORDER.indexOf(cap);
  return i < 0 ? CAP_ORDER.length : i;
}

const indent = (xml: string, pad: string): string =>
  xml
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n');

/** The domain XML text (before canonical formatting) for an LXC-tools config. */
function buildXml(config: string, options: LxcFromNativeOptions): string {
  const entries = parseLxcConfig(config);
  if (lastValue(entries, 'lxc.mount', 'lxc.mount.fstab') !== undefined) {
    throw new VirtError(
      'ARGUMENT_UNSUPPORTED',
      'lxc.mount.fstab or lxc.mount found, use lxc.mount.entry lines instead',
    );
  }
  const name = lastValue(entries, 'lxc.uts.name', 'lxc.utsname');
  if (name === undefined) throw new VirtError('INTERNAL_ERROR', 'Missing lxc.utsname or lxc.uts.name');
  const mem = memtune(entries);
  const memKiB = mem.hardKiB ?? 65536;
  const cs = cpuset(entries);
  const archKey = lastValue(entries, 'lxc.arch');
  const arch = archKey !== undefined ? ARCHES[archKey] : undefined;
  const caps = [
    ...new Set(
      allValues(entries, 'lxc.cap.drop').flatMap((v) =>
        v
          .split(/\s+/)
          .filter((c) => c !== '')
          .map((c) => c.toLowerCase()),
      ),
    ),
  ].sort((a, b) => capRank(a) - capRank(b));
  const nets = networksToXml(collectNetworks(entries));

  let fs = '';
  const rootfs = lastValue(entries, 'lxc.rootfs.path', 'lxc.rootfs');
  if (rootfs !== undefined) {
    fs += `<filesystem type='mount' accessmode='passthrough'>\n  <source dir='${escapeXml(rootfs)}'/>\n  <target dir='/'/>\n</filesystem>\n`;
  }
  for (const v of allValues(entries, 'lxc.mount.entry')) fs += fstabToXml(parseFstabLine(v));

  const ttys = Number(lastValue(entries, 'lxc.tty.max', 'lxc.tty') ?? '0') || 0;
  let consoles = '';
  for (let i = 0; i < ttys; i++)
    consoles += `<console type='pty'>\n  <target type='lxc' port='${i}'/>\n</console>\n`;

  const capXml = caps.length
    ? `<capabilities policy='allow'>\n${caps.map((c) => `  <${escapeXml(c.toLowerCase())} state='off'/>\n`).join('')}</capabilities>\n`
    : "<capabilities policy='allow'/>\n";

  return [
    "<domain type='lxc'>\n",
    `  <name>${escapeXml(name)}</name>\n`,
    `  <uuid>${escapeXml(options.uuid ?? generateUuid())}</uuid>\n`,
    `  <memory unit='KiB'>${memKiB}</memory>\n`,
    `  <currentMemory unit='KiB'>${memKiB}</currentMemory>\n`,
    indent(mem.xml, '  '),
    indent(blkiotune(entries), '  '),
    `  <vcpu placement='static'${cs.cpus !== undefined ? ` cpuset='${escapeXml(cs.cpus)}'` : ''}>1</vcpu>\n`,
    indent(cputune(entries), '  '),
    indent(cs.numatune, '  '),
    `  <os>\n    <type${arch ? ` arch='${arch}'` : ''}>exe</type>\n    <init>/sbin/init</init>\n  </os>\n`,
    indent(idmapToXml(allValues(entries, 'lxc.idmap', 'lxc.id_map')), '  '),
    `  <features>\n${nets.privnet ? '    <privnet/>\n' : ''}${indent(capXml, '    ')}  </features>\n`,
    "  <clock offset='utc'/>\n",
    '  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>\n',
    `  <devices>\n    <emulator>${escapeXml(options.emulator ?? '/usr/libexec/libvirt_lxc')}</emulator>\n`,
    indent(fs, '    '),
    indent(nets.interfaces, '    '),
    indent(consoles, '    '),
    indent(nets.hostdevs, '    '),
    '  </devices>\n</domain>\n',
  ].join('');
}

/** Converts an LXC-tools config to a domain definition, as `virsh domxml-from-native lxc-tools`. */
export function lxcDomainDefFromNative(config: string, options: LxcFromNativeOptions = {}): DomainDef {
  return parseDomainXml(buildXml(config, options));
}

/** Converts an LXC-tools config to domain XML text, formatted by core. */
export function lxcDomainXmlFromNative(config: string, options: LxcFromNativeOptions = {}): string {
  return formatDomainXml(lxcDomainDefFromNative(config, options));
}
