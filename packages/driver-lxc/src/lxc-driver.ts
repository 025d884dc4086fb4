import { type Driver, formatUri, type OpenContext, openAsManager, type VirtUri } from '@virtkit/core';
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
    return openAsManager(paths, (stores) =>
      LxcConnection.open({
        uri: formatUri({ ...uri, path: canonicalLxcPath(uri) }),
        paths,
        ...stores,
        events: ctx.events,
      }),
    );
  },
};
