import type { XmlElement, XmlRest } from './xml-node.js';

export type VirtType =
  | 'qemu'
  | 'kqemu'
  | 'kvm'
  | 'xen'
  | 'lxc'
  | 'uml'
  | 'openvz'
  | 'test'
  | 'vmware'
  | 'hyperv'
  | 'vbox'
  | 'phyp'
  | 'vz'
  | 'bhyve'
  | 'ch';

export const LIFECYCLE_ACTIONS = [
  'destroy',
  'restart',
  'rename-restart',
  'preserve',
  'coredump-destroy',
  'coredump-restart',
] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** Where a device sits on its bus; `attrs` are the type-specific coordinates. */
export interface DeviceAddress {
  type: string;
  attrs: Record<string, string>;
  rest?: XmlRest;
}

/** Data every device carries (virDomainDeviceInfo). */
export interface DeviceInfo {
  /** Runtime or user (`ua-`) alias. */
  alias?: string;
  bootOrder?: number;
  bootLoadParm?: string;
  address?: DeviceAddress;
}

export interface OsDef {
  /** hvm, xen, linux, exe, … */
  type: string;
  arch?: string;
  machine?: string;
  firmware?: string;
  /** Boot devices of `<boot dev=…>`, in order. */
  bootDevices: string[];
  loader?: XmlElement;
  nvram?: XmlElement;
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  dtb?: string;
  /** Container init (lxc, exe). */
  init?: string;
  initArgs: string[];
  rest?: XmlRest;
}

export interface VcpuDef {
  count: number;
  placement?: 'static' | 'auto';
  cpuset?: string;
  current?: number;
}

export interface CpuFeature {
  name: string;
  policy?: string;
}

export interface CpuTopology {
  sockets: number;
  dies?: number;
  clusters?: number;
  cores: number;
  threads: number;
}

export interface CpuDef {
  mode?: string;
  match?: string;
  check?: string;
  migratable?: boolean;
  model?: string;
  modelFallback?: string;
  modelVendorId?: string;
  vendor?: string;
  topology?: CpuTopology;
  features: CpuFeature[];
  rest?: XmlRest;
}

/** `<features>`: each feature as written (`<acpi/>`, `<hyperv mode='custom'>…</hyperv>`, …). */
export interface FeaturesDef {
  items: XmlElement[];
}

export interface ClockDef {
  offset: string;
  rest?: XmlRest;
}

export interface MemoryDef {
  /** `<memory>`, KiB. */
  memoryKiB: number;
  dumpCore?: boolean;
  /** `<currentMemory>`, KiB; defaults to memory. */
  currentMemoryKiB: number;
  /** `<maxMemory>`, KiB, with its hotplug slots. */
  maxMemoryKiB?: number;
  maxMemorySlots?: number;
}

export interface DiskDriver {
  name?: string;
  type?: string;
  cache?: string;
  io?: string;
  rest?: XmlRest;
}

export interface DiskSource {
  file?: string;
  dev?: string;
  dir?: string;
  protocol?: string;
  name?: string;
  pool?: string;
  volume?: string;
  startupPolicy?: string;
  rest?: XmlRest;
}

export interface DiskDef {
  kind: 'disk';
  type: string;
  device: string;
  driver?: DiskDriver;
  source?: DiskSource;
  target: { dev: string; bus?: string; tray?: string; rest?: XmlRest };
  readonly: boolean;
  shareable: boolean;
  serial?: string;
  info: DeviceInfo;
  rest?: XmlRest;
}

export interface InterfaceDef {
  kind: 'interface';
  type: string;
  mac: string;
  macRest?: XmlRest;
  source?: Record<string, string>;
  sourceRest?: XmlRest;
  model?: string;
  targetDev?: string;
  targetRest?: XmlRest;
  info: DeviceInfo;
  rest?: XmlRest;
}

export interface FilesystemDef {
  kind: 'filesystem';
  /** mount, bind, file, block, ram, … */
  type: string;
  accessmode?: string;
  /** Octal permission bits, four digits. */
  fmode?: string;
  dmode?: string;
  /** `<source>` attributes other than a ram filesystem's size. */
  source: Record<string, string>;
  sourceRest?: XmlRest;
  /** Size of a `ram` filesystem, KiB. */
  ramUsageKiB?: number;
  targetDir?: string;
  readonly: boolean;
  info: DeviceInfo;
  rest?: XmlRest;
}

export interface ControllerDef {
  kind: 'controller';
  type: string;
  index: number;
  model?: string;
  info: DeviceInfo;
  rest?: XmlRest;
  /** Added by the post-parse because devices need it, not written in the XML (drivers order these last). */
  implicit?: boolean;
}

export interface GraphicsListen {
  type: 'address' | 'network' | 'socket' | 'none';
  address?: string;
  network?: string;
  socket?: string;
  rest?: XmlRest;
}

export interface GraphicsDef {
  kind: 'graphics';
  type: string;
  port?: number;
  autoport?: boolean;
  /** VNC/SPICE password; written only with the SECURE flag. */
  passwd?: string;
  listens: GraphicsListen[];
  rest?: XmlRest;
}

/** A character device backend (virDomainChrSourceDef), shared by chardevs, smartcards, redirdevs, rng. */
export interface ChrSource {
  type: string;
  /** `connect` / `bind` for sockets. */
  mode?: 'connect' | 'bind';
  path?: string;
  host?: string;
  service?: string;
  /** UDP's local end. */
  bindHost?: string;
  bindService?: string;
  /** `raw`, `telnet`, … for tcp. */
  protocol?: string;
  reconnect?: { enabled: boolean; timeout?: number };
  channel?: string;
  /** Other attributes and children of `<source>` (seclabel, …). */
  sourceRest?: XmlRest;
  /** Other backend children such as `<log>`. */
  rest?: XmlRest;
}

export type ChardevKind = 'serial' | 'parallel' | 'console' | 'channel';

export interface ChardevDef {
  kind: ChardevKind;
  source: ChrSource;
  target?: { type?: string; port?: number; name?: string; rest?: XmlRest };
  info: DeviceInfo;
  rest?: XmlRest;
}

export interface InputDef {
  kind: 'input';
  type: string;
  bus?: string;
  info: DeviceInfo;
  rest?: XmlRest;
}

export interface VideoDef {
  kind: 'video';
  model?: { type?: string; vram?: number; heads?: number; primary?: boolean; rest?: XmlRest };
  info: DeviceInfo;
  rest?: XmlRest;
}

/** A device whose chardev backend core checks (smartcard, redirdev, rng egd). */
export interface ChrBackedDeviceDef {
  kind: 'smartcard' | 'redirdev';
  /** The device's own attributes other than `type` (mode, bus). */
  attrs: Record<string, string>;
  source?: ChrSource;
  info: DeviceInfo;
  rest?: XmlRest;
}

/** Any other device, kept as a faithful element with its common info parsed. */
export interface GenericDeviceDef {
  kind: 'generic';
  element: XmlElement;
  info: DeviceInfo;
}

export type DeviceDef =
  | DiskDef
  | InterfaceDef
  | ControllerDef
  | FilesystemDef
  | GraphicsDef
  | ChardevDef
  | InputDef
  | VideoDef
  | ChrBackedDeviceDef
  | GenericDeviceDef;

export interface DomainDef {
  type: VirtType;
  /** Runtime id; only in live XML. */
  id?: number;
  name: string;
  uuid: string;
  title?: string;
  description?: string;
  metadata?: XmlElement;
  memory: MemoryDef;
  vcpu: VcpuDef;
  os: OsDef;
  features?: FeaturesDef;
  cpu?: CpuDef;
  clock: ClockDef;
  onPoweroff: LifecycleAction;
  onReboot: LifecycleAction;
  onCrash: LifecycleAction;
  emulator?: string;
  devices: DeviceDef[];
  /** Namespace declarations (xmlns:qemu, …) and other root attributes. */
  rootRest?: XmlRest;
  /** Other top-level elements (cputune, numatune, memoryBacking, seclabel, …), kept in place. */
  rest?: XmlRest;
}

export interface ParseFlags {
  /** VIR_DOMAIN_DEF_PARSE_INACTIVE: ignore live-only data (id, runtime aliases, …). */
  inactive?: boolean;
  /** VIR_DOMAIN_DEF_PARSE_STATUS: a running domain's status XML; runtime data such as auto ports is kept. */
  status?: boolean;
  /** Architecture filled in when `<os><type>` names none (libvirt takes it from capabilities). */
  defaultArch?: string;
}

export interface FormatFlags {
  /** VIR_DOMAIN_DEF_FORMAT_INACTIVE: drop id and live-only parts. */
  inactive?: boolean;
  /** VIR_DOMAIN_DEF_FORMAT_SECURE: include passwords. */
  secure?: boolean;
}

/** Parse and format flags together, e.g. `{ inactive: false, secure: true }` for live XML. */
export type DomainXmlFlags = ParseFlags & FormatFlags;
