import type { GraphicsDef } from '@virtkit/core';
import { primaryAudioId } from './audio.js';
import { formatJson, formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

const VNC_BASE_PORT = 5900;
/** What VNC listens on when neither the XML nor qemu.conf says (vnc_listen). */
const DEFAULT_LISTEN = '127.0.0.1';

/** The display part of -vnc: `none`, `vnc=unix:PATH` or `HOST:DISPLAY`. */
function displayTarget(g: GraphicsDef, ctx: ArgvContext): string {
  const listen = g.listens[0];
  if (listen?.type === 'none') return 'none';
  const autoSocket =
    ctx.host.config.vncAutoUnixSocket && listen?.type === 'address' && listen.address === undefined;
  if (listen?.type === 'socket' || autoSocket)
    return `vnc=unix:${listen?.socket ?? `${ctx.domainDir}/vnc.sock`}`;
  const address = listen?.address ?? DEFAULT_LISTEN;
  const host = address.includes(':') ? `[${address}]` : address;
  return `${host}:${(g.port ?? VNC_BASE_PORT) - VNC_BASE_PORT}`;
}

/** The audiodev a display plays to: its `<audio id>`, else the domain's first. */
function audioFor(g: GraphicsDef, ctx: ArgvContext): string {
  const id = g.rest?.children.find((c) => c.name === 'audio')?.attrs.id;
  return id === undefined ? primaryAudioId(ctx) : `audio${id}`;
}

/** The x509 credentials object VNC's TLS needs, when qemu.conf turns TLS on. */
function vncTlsArgs(n: number, ctx: ArgvContext): string[] {
  const { vncTls, vncTlsX509CertDir, vncTlsX509Verify } = ctx.host.config;
  if (!vncTls) return [];
  const creds = {
    'qom-type': 'tls-creds-x509',
    id: `vnc-tls-creds${n}`,
    dir: vncTlsX509CertDir,
    endpoint: 'server',
    'verify-peer': vncTlsX509Verify,
  };
  return ['-object', formatJson(creds)];
}

export function vncArgs(g: GraphicsDef, n: number, ctx: ArgvContext): string[] {
  const { vncTls, vncSasl } = ctx.host.config;
  const props = {
    '': displayTarget(g, ctx),
    websocket: g.rest?.attrs.websocket,
    'tls-creds': vncTls ? `vnc-tls-creds${n}` : undefined,
    sasl: vncSasl ? true : undefined,
    'power-control': g.rest?.attrs.powerControl === 'yes' ? true : undefined,
    audiodev: audioFor(g, ctx),
  };
  return [...vncTlsArgs(n, ctx), '-vnc', formatKeyValue(props)];
}
