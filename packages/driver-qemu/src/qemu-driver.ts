import { type Driver, formatUri, type OpenContext, openAsManager, type VirtUri } from '@virtkit/core';
import { qemuDriverPaths } from './driver-paths.js';
import { QemuConnection } from './qemu-connection.js';

/**
 * libvirt's QEMU driver: `qemu:///system`, `qemu:///session` or `qemu:///embed?root=DIR`.
 * Each connection is the manager of its directories (the state directory's lock) for as
 * long as it is open.
 */
export const driver: Driver = {
  name: 'qemu',
  schemes: ['qemu'],
  async open(uri: VirtUri, ctx: OpenContext) {
    const privileged = process.getuid?.() === 0;
    const paths = qemuDriverPaths(uri, ctx.env, privileged);
    return openAsManager(paths, (stores) =>
      QemuConnection.open({ uri: formatUri(uri), paths, ...stores, events: ctx.events, env: ctx.env }),
    );
  },
};
