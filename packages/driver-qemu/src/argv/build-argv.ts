import type { DomainDef } from '@virtkit/core';
import { findMachine, type QemuCaps } from '../caps/index.js';
import { postParseForQemu } from '../define/index.js';
import { accelOf, machineOf } from '../define/machine.js';
import { audioArgs } from './audio.js';
import { balloonArgs } from './balloon.js';
import { bootArgs } from './boot.js';
import { channelArgs } from './channels.js';
import { rtcArgs } from './clock.js';
import { controllerArgs } from './controllers.js';
import { cpuArgs, smpArgs } from './cpu.js';
import { withSortedDisks } from './disk-order.js';
import { diskArgs } from './disks.js';
import { qemuEnvironment } from './environment.js';
import { filesystemArgs } from './filesystem.js';
import { biosArgs, pflashArgs, secureFlashArgs } from './firmware.js';
import {
  messageTimestampArgs,
  noDefaultsArgs,
  noShutdownArgs,
  pausedStartArgs,
  sandboxArgs,
} from './fixed-flags.js';
import { displayArgs, graphicsArgs } from './graphics.js';
import { masterKeyArgs, nameArgs, uuidArgs } from './identity.js';
import { inputArgs } from './input.js';
import { iommuArgs } from './iommu.js';
import { accelArgs, machineArgs } from './machine.js';
import { memoryArgs } from './memory.js';
import { monitorArgs } from './monitor.js';
import { harnessTapBackend } from './netdev-backend.js';
import { networkArgs } from './network.js';
import { numaArgs } from './numa.js';
import { panicArgs } from './panic.js';
import { pciAddressesOf } from './pci-addresses.js';
import { powerManagementArgs } from './power-management.js';
import type { ArgvContext, ArgvHostContext, QemuCommand } from './qemu-command.js';
import { rngArgs } from './rng.js';
import { saslEnvironment } from './sasl-environment.js';
import { serialArgs } from './serial.js';
import { shortDomainName } from './short-name.js';
import { soundArgs } from './sound.js';
import { usbPortsOf } from './usb-addresses.js';
import { videoArgs } from './video.js';
import { watchdogArgs } from './watchdog.js';

/** Sections in the order libvirt's qemuBuildCommandLine emits them. */
const SECTIONS: ((ctx: ArgvContext) => string[])[] = [
  nameArgs,
  pausedStartArgs,
  masterKeyArgs,
  pflashArgs,
  machineArgs,
  accelArgs,
  cpuArgs,
  biosArgs,
  secureFlashArgs,
  memoryArgs,
  smpArgs,
  numaArgs,
  uuidArgs,
  displayArgs,
  noDefaultsArgs,
  monitorArgs,
  rtcArgs,
  noShutdownArgs,
  powerManagementArgs,
  bootArgs,
  iommuArgs,
  controllerArgs,
  diskArgs,
  filesystemArgs,
  networkArgs,
  serialArgs,
  channelArgs,
  inputArgs,
  audioArgs,
  graphicsArgs,
  videoArgs,
  soundArgs,
  watchdogArgs,
  balloonArgs,
  rngArgs,
  sandboxArgs,
  panicArgs,
  messageTimestampArgs,
];

/** The fixed host libvirt's xml2argv tests pretend to run on. */
export const DEFAULT_HOST_CONTEXT: ArgvHostContext = {
  id: -1,
  libDir: '/var/lib/libvirt/qemu',
  monitorFd: 1729,
  isHostCdrom: (path) => path === '/dev/cdrom',
  defaultRenderNode: () => '/dev/dri/foo',
  config: {
    spiceTls: false,
    spiceTlsX509CertDir: '/etc/pki/libvirt-spice',
    spiceSasl: false,
    spiceSaslDir: '/etc/sasl2',
    spiceAutoUnixSocket: false,
    vncAutoUnixSocket: false,
    vncTls: false,
    vncTlsX509CertDir: '/etc/pki/libvirt-vnc',
    vncTlsX509Verify: false,
    vncSasl: false,
    vncSaslDir: '/etc/sasl2',
  },
  firmware: [],
  hugetlbfs: [
    { sizeKiB: 2048, mount: '/dev/hugepages2M', isDefault: true },
    { sizeKiB: 1048576, mount: '/dev/hugepages1G' },
  ],
  memoryBackingDir: '/var/lib/libvirt/qemu/ram',
  hostNumaNodes: [0, 1, 2, 3],
  tapBackend: harnessTapBackend,
};

/** The QEMU command line (and environment) that starts `def`, as libvirt 9.6 builds it. */
export function buildQemuArgv(
  inputDef: DomainDef,
  caps: QemuCaps,
  host: ArgvHostContext = DEFAULT_HOST_CONTEXT,
): QemuCommand {
  const def = withSortedDisks(
    postParseForQemu(inputDef, caps, {
      newDomain: true,
      startup: true,
      firmware: host.firmware,
      ...(host.swtpmVersions && { swtpmVersions: host.swtpmVersions }),
    }),
  );
  const domainDir = `${host.libDir}/domain-${shortDomainName(host.id, def.name)}`;
  // Post-parse has filled in the machine its addresses were assigned for.
  const machineName = machineOf(def, caps);
  const machine = findMachine(caps, accelOf(def), machineName);
  const ctx: ArgvContext = {
    def,
    caps,
    host,
    domainDir,
    machineName,
    ...(machine && { machine }),
    pciAddress: pciAddressesOf(def, machineName),
    usbPort: usbPortsOf(def),
  };
  const emulator = def.emulator ?? caps.emulator ?? 'qemu-system-x86_64';
  return {
    env: [...qemuEnvironment(domainDir), ...saslEnvironment(ctx)],
    argv: [emulator, ...SECTIONS.flatMap((section) => section(ctx))],
  };
}
