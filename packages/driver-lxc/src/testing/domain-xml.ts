import { escapeXml, generateUuid } from '@virtkit/core';

export interface LxcDomainOptions {
  readonly name: string;
  /** Directory mounted on `/`; without one the container shares the host's root, as libvirt does. */
  readonly rootfs?: string;
  readonly uuid?: string;
  readonly memoryKiB?: number;
  readonly init?: string;
  readonly initArgs?: readonly string[];
  readonly initEnv?: Readonly<Record<string, string>>;
  /** Further `<filesystem type='mount'>` entries. */
  readonly mounts?: readonly { source: string; target: string; readonly?: boolean }[];
  /** `<interface>` elements, as XML. */
  readonly interfaces?: readonly string[];
  /** `<idmap>`: uid and gid ranges (start inside, target outside). */
  readonly idmap?: { start: number; target: number; count: number };
  /** Top-level elements added as given (e.g. `<features><privnet/></features>`). */
  readonly extraXml?: string;
}

/** A minimal valid LXC domain, for tests: `<os><type>exe</type>` with init, a root mount, a pty console. */
export function lxcDomainXml(options: LxcDomainOptions): string {
  const memory = options.memoryKiB ?? 65536;
  const fs = (source: string, target: string, ro?: boolean) =>
    `    <filesystem type='mount'><source dir='${escapeXml(source)}'/><target dir='${escapeXml(target)}'/>${ro ? '<readonly/>' : ''}</filesystem>`;
  const map = options.idmap;
  return [
    `<domain type='lxc'>`,
    `  <name>${escapeXml(options.name)}</name>`,
    `  <uuid>${options.uuid ?? generateUuid()}</uuid>`,
    `  <memory unit='KiB'>${memory}</memory>`,
    `  <currentMemory unit='KiB'>${memory}</currentMemory>`,
    `  <vcpu placement='static'>1</vcpu>`,
    '  <os>',
    '    <type>exe</type>',
    `    <init>${escapeXml(options.init ?? '/sbin/init')}</init>`,
    ...(options.initArgs ?? []).map((a) => `    <initarg>${escapeXml(a)}</initarg>`),
    ...Object.entries(options.initEnv ?? {}).map(
      ([k, v]) => `    <initenv name='${escapeXml(k)}'>${escapeXml(v)}</initenv>`,
    ),
    '  </os>',
    ...(map
      ? [
          '  <idmap>',
          `    <uid start='${map.start}' target='${map.target}' count='${map.count}'/>`,
          `    <gid start='${map.start}' target='${map.target}' count='${map.count}'/>`,
          '  </idmap>',
        ]
      : []),
    ...(options.extraXml ? [options.extraXml] : []),
    '  <devices>',
    ...(options.rootfs ? [fs(options.rootfs, '/')] : []),
    ...(options.mounts ?? []).map((m) => fs(m.source, m.target, m.readonly)),
    ...(options.interfaces ?? []).map((i) => `    ${i}`),
    `    <console type='pty'/>`,
    '  </devices>',
    '</domain>',
    '',
  ].join('\n');
}
