import { formatKeyValue } from './option-syntax.js';
import type { ArgvContext } from './qemu-command.js';

/** The QMP monitor: a listening socket libvirt creates itself and hands over as an fd. */
export function monitorArgs({ host }: ArgvContext): string[] {
  const endpoint = host.monitorPath === undefined ? { fd: host.monitorFd } : { path: host.monitorPath };
  const chardev = { '': 'socket', id: 'charmonitor', ...endpoint, server: true, wait: false };
  return ['-chardev', formatKeyValue(chardev), '-mon', 'chardev=charmonitor,id=monitor,mode=control'];
}
