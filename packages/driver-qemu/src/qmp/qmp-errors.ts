import { errnoText, VirtError } from '@virtkit/core';
import type { QmpErrorBody } from './qmp-types.js';

/**
 * A QMP `error` reply, raised with libvirt's text (qemuMonitorJSONCheckError) and the QMP
 * error class kept, so callers can tell e.g. `CommandNotFound` from `GenericError`.
 */
export class QmpCommandError extends VirtError {
  readonly command: string;
  readonly errorClass: string | undefined;

  constructor(command: string, body: QmpErrorBody | undefined) {
    const detail = body?.desc
      ? `unable to execute QEMU command '${command}': ${body.desc}`
      : `unable to execute QEMU command '${command}'`;
    super('INTERNAL_ERROR', detail, { domain: 'QEMU' });
    this.command = command;
    this.errorClass = body?.class;
  }
}

/** A reply that is neither `return` nor `error` (libvirt: qemuMonitorJSONCheckReply). */
export function malformedReplyError(command: string): VirtError {
  return new VirtError('INTERNAL_ERROR', `unexpected reply to QEMU command '${command}'`, { domain: 'QEMU' });
}

/** QEMU went away under us; libvirt's qemuMonitorSend text once the monitor saw EOF. */
export function monitorEofError(vmName: string | undefined): VirtError {
  const vm = vmName === undefined ? '' : ` (vm='${vmName}')`;
  return new VirtError('INTERNAL_ERROR', `End of file from qemu monitor${vm}`, { domain: 'QEMU' });
}

/** We closed the monitor while a command waited for its reply (libvirt's qemuMonitorClose). */
export function monitorClosedError(): VirtError {
  return new VirtError('OPERATION_FAILED', 'QEMU monitor was closed', { domain: 'QEMU' });
}

/** The socket failed with an errno (libvirt's "Unable to read from monitor: …"). */
export function monitorIoError(error: NodeJS.ErrnoException): VirtError {
  return new VirtError('SYSTEM_ERROR', `Unable to read from monitor: ${errnoText(error)}`, {
    domain: 'QEMU',
    cause: error,
  });
}

export function greetingTimeoutError(path: string): VirtError {
  return new VirtError('OPERATION_TIMEOUT', `waiting for the QEMU monitor greeting on ${path}`, {
    domain: 'QEMU',
  });
}

/** libvirt's qemuMonitorOpenUnix text. */
export function connectError(error: NodeJS.ErrnoException): VirtError {
  return new VirtError('SYSTEM_ERROR', `failed to connect to monitor socket: ${errnoText(error)}`, {
    domain: 'QEMU',
    cause: error,
  });
}
