import type { Driver } from '@virtkit/core';
import { openRemote, type RemoteDriverOptions } from './open-remote.js';

/**
 * A remote driver serving `schemes`; an application that owns a daemon (the CLI and
 * virtkitd) says how to start it when its socket has no listener.
 */
export function createRemoteDriver(
  options: RemoteDriverOptions & { schemes?: readonly string[] } = {},
): Driver {
  return {
    name: 'remote',
    schemes: options.schemes ?? ['remote'],
    open: (uri, ctx) => openRemote(uri, ctx, options),
  };
}

/**
 * The remote driver: core's registry hands it every `driver+transport://` URI and every
 * URI with a host, and it reaches libvirtd or virtkitd over libvirt's RPC protocol.
 */
export const driver: Driver = createRemoteDriver();
