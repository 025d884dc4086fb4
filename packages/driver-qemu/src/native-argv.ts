import { type DeviceDef, type DomainDef, VirtError } from '@virtkit/core';
import { buildQemuArgv, DEFAULT_HOST_CONTEXT, shellQuote } from './argv/index.js';
import { harnessTapBackend } from './argv/netdev-backend.js';
import { shortDomainName } from './argv/short-name.js';
import type { QemuCaps } from './caps/index.js';

/** The one native format libvirt's QEMU driver converts to (QEMU_CONFIG_FORMAT_ARGV). */
export const QEMU_ARGV_FORMAT = 'qemu-argv';

/** Refuses a format other than qemu-argv, with libvirt's error, before the XML is even read. */
export function checkNativeFormat(format: string): void {
  if (format !== QEMU_ARGV_FORMAT) throw new VirtError('INVALID_ARG', `unsupported config type ${format}`);
}

/** Interface types kept as they are: their backend needs no tap the conversion cannot make. */
const KEPT_INTERFACE_TYPES = new Set(['vhostuser', 'vdpa', 'hostdev']);

/**
 * libvirt cannot make taps for an argv it only prints, so (qemuConnectDomainXMLToNative) every
 * other interface becomes a plain `ethernet` one, keeping its MAC, model and guest-side options.
 */
function asEthernet(dev: DeviceDef): DeviceDef {
  if (dev.kind !== 'interface' || KEPT_INTERFACE_TYPES.has(dev.type)) return dev;
  const { source: _source, sourceRest: _sourceRest, ...rest } = dev;
  return { ...rest, type: 'ethernet' };
}

/** Environment variables libvirt passes from its own environment to QEMU when they are set. */
const PASSED_THROUGH = new Set(['PATH', 'USER', 'LOGNAME']);

export interface NativeArgvHost {
  /** The driver's lib dir (the domain's private dir is `domain--1-NAME` under it). */
  libDir: string;
  /** The managing process's environment, whose PATH, USER and LOGNAME QEMU would inherit. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The command line `def` would start QEMU with, as one shell line like `virsh domxml-to-native
 * qemu-argv` prints it (without the newline): the environment, the binary, the arguments, quoted for the shell. The
 * domain is taken as never started (id -1); the monitor is a socket path, and taps are fds,
 * as libvirt shows them.
 */
export function qemuArgvText(def: DomainDef, caps: QemuCaps, host: NativeArgvHost): string {
  const converted = { ...def, devices: def.devices.map(asEthernet) };
  const id = -1;
  const command = buildQemuArgv(converted, caps, {
    ...DEFAULT_HOST_CONTEXT,
    id,
    libDir: host.libDir,
    monitorPath: `${host.libDir}/domain-${shortDomainName(id, def.name)}/monitor.sock`,
    isHostCdrom: () => false,
    // Only the tap fds: libvirt opens no vhost-net device for an argv it only prints.
    tapBackend: (net) => ({ ...harnessTapBackend(net), vhostFds: [] }),
  });
  const env = command.env.flatMap(([key, value]): [string, string][] => {
    if (!PASSED_THROUGH.has(key)) return [[key, value]];
    const own = host.env[key];
    return own === undefined ? [] : [[key, own]];
  });
  const words = [
    ...env.map(([key, value]) => `${key}=${shellQuote(value)}`),
    ...command.argv.map(shellQuote),
  ];
  return words.join(' ');
}
