import type { GraphicsDef } from '@virtkit/core';
import { formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

type Props = Record<string, string | number | boolean | undefined>;

/** `<graphics type='spice'>` children with a `compression`/`mode` attribute, as -spice keys. */
const TUNING: [element: string, attr: string, key: string][] = [
  ['image', 'compression', 'image-compression'],
  ['jpeg', 'compression', 'jpeg-wan-compression'],
  ['zlib', 'compression', 'zlib-glz-wan-compression'],
  ['playback', 'compression', 'playback-compression'],
  ['streaming', 'mode', 'streaming-video'],
];

function child(g: GraphicsDef, name: string): Record<string, string> | undefined {
  return g.rest?.children.find((c) => c.name === name)?.attrs;
}

/** Core models VNC's port only; SPICE's stays an attribute. An automatic one is 0 until started. */
function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return Math.max(Number(value), 0);
}

/** Where clients connect: a UNIX socket, or TCP ports (TLS only when qemu.conf enables it). */
function listenProps(g: GraphicsDef, ctx: ArgvContext): Props {
  const listen = g.listens[0];
  const { spiceTls, spiceAutoUnixSocket } = ctx.host.config;
  const autoSocket = spiceAutoUnixSocket && listen?.type === 'address' && listen.address === undefined;
  if (listen?.type === 'socket' || autoSocket) {
    return { '': 'unix', addr: listen?.socket ?? `${ctx.domainDir}/spice.sock` };
  }
  const tlsPort = spiceTls ? port(g.rest?.attrs.tlsPort) : undefined;
  return {
    port: port(g.rest?.attrs.port) ?? 0,
    'tls-port': tlsPort,
    addr: listen?.type === 'address' ? listen.address : undefined,
  };
}

/** Which channels must (tls-channel) or may not (plaintext-channel) use TLS. */
function channelProps(g: GraphicsDef): [string, string][] {
  const out: [string, string][] = [];
  const defaultMode = g.rest?.attrs.defaultMode;
  if (defaultMode === 'secure') out.push(['tls-channel', 'default']);
  if (defaultMode === 'insecure') out.push(['plaintext-channel', 'default']);
  for (const channel of g.rest?.children.filter((c) => c.name === 'channel') ?? []) {
    const key =
      channel.attrs.mode === 'secure'
        ? 'tls-channel'
        : channel.attrs.mode === 'insecure'
          ? 'plaintext-channel'
          : undefined;
    if (key && channel.attrs.name) out.push([key, channel.attrs.name]);
  }
  return out;
}

export function spiceArgs(g: GraphicsDef, ctx: ArgvContext): string[] {
  const { config } = ctx.host;
  const listen = listenProps(g, ctx);
  const parts = [formatKeyValue(listen)];
  const gl = child(g, 'gl');
  const props: Props = {
    sasl: config.spiceSasl ? true : undefined,
    'agent-mouse': child(g, 'mouse')?.mode === 'server' ? false : undefined,
    'x509-dir': listen['tls-port'] === undefined ? undefined : config.spiceTlsX509CertDir,
  };
  for (const [element, attr, key] of TUNING) props[key] = child(g, element)?.[attr];
  parts.push(formatKeyValue(props));
  parts.push(...channelProps(g).map(([key, name]) => `${key}=${name}`));
  const tail: Props = {
    'disable-agent-file-xfer': child(g, 'filetransfer')?.enable === 'no' ? true : undefined,
    'disable-copy-paste': child(g, 'clipboard')?.copypaste === 'no' ? true : undefined,
    gl: gl?.enable === 'yes' ? true : undefined,
    rendernode: gl?.enable === 'yes' ? (gl.rendernode ?? ctx.host.defaultRenderNode()) : undefined,
    'seamless-migration': true,
  };
  parts.push(formatKeyValue(tail));
  return ['-spice', parts.filter((p) => p !== '').join(',')];
}
