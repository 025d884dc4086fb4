import { formatUri, type OpenContext, VirtError, type VirtUri } from '@virtkit/core';
import {
  REMOTE_AUTH_NONE,
  REMOTE_AUTH_POLKIT,
  REMOTE_PROC_AUTH_LIST,
  REMOTE_PROC_AUTH_POLKIT,
  REMOTE_PROC_CONNECT_GET_URI,
  REMOTE_PROC_CONNECT_OPEN,
  REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
} from '../generated/remote-protocol.js';
import { CONNECT_RO, FEATURE_PROGRAM_KEEPALIVE } from '../wire/flags.js';
import { remoteCaller } from './remote-call.js';
import { RemoteConnection } from './remote-connection.js';
import { RemoteEvents } from './remote-events.js';
import { RpcClient } from './rpc-client.js';
import type { DaemonCommand } from './transport/daemon-autostart.js';
import { openTransport } from './transport/open-transport.js';
import { remoteTarget } from './transport/remote-target.js';

export interface RemoteDriverOptions {
  /** The daemon to start when nobody listens on the unix socket at `path`; undefined: none. */
  daemonFor?(path: string): DaemonCommand | undefined;
}

/**
 * Opens a remote connection as libvirt's doRemoteOpen: transport, authentication
 * (none, or polkit which the server settles from the socket's credentials), CONNECT_OPEN
 * with the server-side URI, then keepalive if the server speaks it.
 */
export async function openRemote(
  uri: VirtUri,
  ctx: OpenContext,
  options: RemoteDriverOptions = {},
): Promise<RemoteConnection> {
  const target = remoteTarget(uri, { readonly: ctx.readonly, env: ctx.env, uid: process.getuid?.() ?? 0 });
  const { transport } = target;
  const daemon = transport.kind === 'unix' ? options.daemonFor?.(transport.path) : undefined;
  const stream = await openTransport(transport, ctx.env, daemon);
  let events: RemoteEvents | undefined;
  const rpc = new RpcClient(stream, (header, body) => events?.handleMessage(header, body));
  const call = remoteCaller(rpc);
  events = new RemoteEvents(call);
  try {
    await authenticate(call);
    await call(REMOTE_PROC_CONNECT_OPEN, { name: target.name, flags: ctx.readonly ? CONNECT_RO : 0 });
    const keepalive = await call<{ supported: number }>(REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, {
      feature: FEATURE_PROGRAM_KEEPALIVE,
    });
    if (keepalive.supported) rpc.startKeepalive();
    // With `remote://` the server chose the URI; otherwise the caller's stands.
    const uriText =
      target.name === '' ? (await call<{ uri: string }>(REMOTE_PROC_CONNECT_GET_URI)).uri : formatUri(uri);
    return new RemoteConnection(rpc, call, events, uriText);
  } catch (error) {
    rpc.close();
    throw error;
  }
}

async function authenticate(call: ReturnType<typeof remoteCaller>): Promise<void> {
  const { types } = await call<{ types: number[] }>(REMOTE_PROC_AUTH_LIST);
  if (types.length === 0 || types.includes(REMOTE_AUTH_NONE)) return;
  if (types.includes(REMOTE_AUTH_POLKIT)) {
    await call(REMOTE_PROC_AUTH_POLKIT);
    return;
  }
  throw new VirtError('AUTH_FAILED', 'unsupported authentication type: SASL is not implemented', {
    domain: 'RPC',
  });
}
