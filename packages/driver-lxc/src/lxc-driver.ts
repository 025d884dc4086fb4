import {
  acquireStateLock,
  DomainStore,
  type Driver,
  formatUri,
  type OpenContext,
  type VirtUri,
} from '@virtkit/core';
import { canonicalLxcPath, lxcDriverPaths } from './driver-paths.js';
import { LxcConnection } from './lxc-connection.js';

/**
 * libvirt's LXC driver: `lxc:///system` (also `lxc:///`; root only) or `lxc:///embed?root=DIR`.
 * Each connection is the manager of its directories (the state directory's lock) while open.
 */
export const driver: Driver = {
  name: 'lxc',
  schemes: ['lxc'],
  async open(uri: VirtUri, ctx: OpenContext) {
    const paths = lxcDriverPaths(uri, process.getuid?.() === 0);
    const lock = await acquireStateLock(paths.stateDir);
    try {
      return await LxcConnection.open({
        uri: formatUri({ ...uri, path: canonicalLxcPath(uri) }),
        paths,
        configStore: await DomainStore.open(paths.configDir),
        statusStore: await DomainStore.open(paths.stateDir),
        lock,
        events: ctx.events,
      });
    } catch (error) {
      await lock.release();
      throw error;
    }
  },
};
