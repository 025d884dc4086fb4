// @virtkit/remote's public surface: each module appends its exports here.

export { createRemoteDriver, driver } from './client/driver.js';
export type { RemoteDriverOptions } from './client/open-remote.js';
export { RemoteStream } from './client/remote-stream.js';
export { KEEPALIVE_DEFAULTS, RpcClient } from './client/rpc-client.js';
export type { DaemonCommand } from './client/transport/daemon-autostart.js';
export {
  DAEMON_SOCKETS,
  defaultDaemonRunDir,
  defaultDaemonSocket,
  type RemoteTarget,
  remoteTarget,
  TLS_PORT,
  type TransportSpec,
} from './client/transport/remote-target.js';
export * from './generated/keepalive-protocol.js';
export * from './generated/lxc-protocol.js';
export * from './generated/qemu-protocol.js';
export * from './generated/remote-protocol.js';
export * from './generated/virnet-protocol.js';
export { DriverHub, type DriverHubOptions } from './server/driver-hub.js';
export { LOG_LEVELS, type Logger, type LogLevel, SILENT_LOGGER } from './server/logger.js';
export { type ServeClientOptions, serveClient } from './server/serve-client.js';
export { ServerStream, StreamReply } from './server/server-stream.js';
export * from './wire/index.js';
export * from './xdr/index.js';
