import { VirtError } from '@virtkit/core';

/** What libvirt raises for configurations this QEMU (or virtkit, so far) cannot express. */
export function unsupported(what: string): VirtError {
  return new VirtError('CONFIG_UNSUPPORTED', what);
}
