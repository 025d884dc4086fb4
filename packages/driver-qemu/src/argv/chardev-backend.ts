import type { ChrSource } from '@virtkit/core';
import { formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';
import { unsupported } from './unsupported.js';

type Props = Record<string, string | number | boolean | undefined>;

/** Backend-specific properties of `-chardev TYPE,id=ID,…` (qemuBuildChardevStr). */
const BACKENDS: Record<string, (src: ChrSource, ctx: ArgvContext) => Props> = {
  null: () => ({ '': 'null' }),
  vc: () => ({ '': 'vc' }),
  pty: () => ({ '': 'pty' }),
  stdio: () => ({ '': 'stdio' }),
  dev: (src) => ({ '': 'serial', path: src.path }),
  // QEMU opens the file itself here; libvirt opens it and passes an fdset (provisional).
  file: (src) => ({ '': 'file', path: src.path }),
  pipe: (src) => ({ '': 'pipe', path: src.path }),
  udp: (src) => ({
    '': 'udp',
    host: src.host ?? '',
    port: src.service,
    localaddr: src.bindHost ?? '',
    localport: src.bindService ?? '0',
  }),
  tcp: (src) => ({
    '': 'socket',
    host: src.host,
    port: src.service,
    telnet: src.protocol === 'telnet' ? true : undefined,
    ...listening(src),
  }),
  // A listening UNIX socket is created by libvirt and passed as an fd, like the monitor's.
  unix: (src, ctx) =>
    src.mode === 'bind'
      ? { '': 'socket', fd: ctx.host.monitorFd, server: true, wait: false }
      : { '': 'socket', path: src.path },
  spicevmc: () => ({ '': 'spicevmc', name: 'vdagent' }),
  spiceport: (src) => ({ '': 'spiceport', name: src.channel }),
  'qemu-vdagent': (src) => ({
    '': 'qemu-vdagent',
    name: 'vdagent',
    clipboard: sourceChild(src, 'clipboard')?.copypaste === 'yes',
    mouse: sourceChild(src, 'mouse')?.mode === 'client',
  }),
};

function sourceChild(src: ChrSource, name: string): Record<string, string> | undefined {
  return src.sourceRest?.children.find((c) => c.name === name)?.attrs;
}

function listening(src: ChrSource): Props {
  return src.mode === 'bind' ? { server: true, wait: false } : {};
}

/** The `-chardev` value for a backend, with its id placed right after the type. */
export function chardevValue(src: ChrSource, id: string, ctx: ArgvContext): string {
  const backend = BACKENDS[src.type];
  if (!backend) throw unsupported(`chardev type '${src.type}'`);
  const { '': type, ...rest } = backend(src, ctx);
  return formatKeyValue({ '': type, id, ...rest });
}
