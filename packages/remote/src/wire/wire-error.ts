import {
  ERROR_CODES,
  ERROR_DOMAINS,
  type ErrorCode,
  type ErrorDomain,
  isVirtError,
  VirtError,
} from '@virtkit/core';
import { RemoteError } from '../generated/remote-protocol.js';
import { decodeXdr, encodeXdr } from '../xdr/index.js';

/** libvirt's virErrorLevel: every error a call fails with is VIR_ERR_ERROR. */
export const VIR_ERR_ERROR = 2;

function byNumber<K extends string>(table: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(table).map(([name, number]) => [number as number, name as K]));
}

const codeNames = byNumber<ErrorCode>(ERROR_CODES);
const domainNames = byNumber<ErrorDomain>(ERROR_DOMAINS);

/**
 * The remote_error a server sends for a failed call. Anything that is not a VirtError is a bug in
 * the server, reported as libvirt reports an error it cannot classify: INTERNAL_ERROR from RPC.
 */
export function errorToWire(error: unknown): RemoteError {
  const virt = isVirtError(error)
    ? error
    : new VirtError('INTERNAL_ERROR', error instanceof Error ? error.message : String(error), {
        domain: 'RPC',
      });
  return {
    code: virt.codeNumber,
    domain: virt.domainNumber,
    message: virt.message,
    level: VIR_ERR_ERROR,
    dom: null,
    str1: null,
    str2: null,
    str3: null,
    int1: 0,
    int2: 0,
    net: null,
  };
}

/**
 * The VirtError a client raises for a remote_error, keeping the server's code, domain and text
 * (virNetClientProgramDispatchError). As there, an "unknown procedure" RPC error becomes NO_SUPPORT,
 * a missing message reads "Unknown error", and a number this libvirt does not know is INTERNAL_ERROR
 * / NONE with the text kept.
 */
export function errorFromWire(error: RemoteError): VirtError {
  const message = error.message ?? 'Unknown error';
  let code = codeNames.get(error.code) ?? 'INTERNAL_ERROR';
  const domain = domainNames.get(error.domain) ?? 'NONE';
  if (
    code === 'RPC' &&
    (domain === 'REMOTE' || domain === 'RPC') &&
    error.level === VIR_ERR_ERROR &&
    message.startsWith('unknown procedure')
  ) {
    code = 'NO_SUPPORT';
  }
  return new VirtError(code, message, { domain, verbatim: true });
}

/** A failed call's or stream's body: its error as an XDR remote_error. */
export function errorBody(error: unknown): Uint8Array {
  return encodeXdr(RemoteError, errorToWire(error));
}

/** The VirtError an error body carries; a body that does not decode is the RPC error saying so. */
export function errorFromBody(body: Uint8Array): VirtError {
  try {
    return errorFromWire(decodeXdr(RemoteError, body));
  } catch (error) {
    return error instanceof VirtError
      ? error
      : new VirtError('RPC', 'Unable to decode message payload', { domain: 'RPC' });
  }
}
