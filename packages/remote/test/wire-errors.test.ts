import { VirtError } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { RemoteError } from '../src/generated/remote-protocol.js';
import { errorFromWire, errorToWire, VIR_ERR_ERROR } from '../src/wire/index.js';
import { decodeXdr, encodeXdr } from '../src/xdr/index.js';

function remoteError(fields: Partial<RemoteError>): RemoteError {
  return {
    code: 1,
    domain: 0,
    message: null,
    level: VIR_ERR_ERROR,
    dom: null,
    str1: null,
    str2: null,
    str3: null,
    int1: 0,
    int2: 0,
    net: null,
    ...fields,
  };
}

describe('errors on the wire', () => {
  it("sends a VirtError with libvirt's numbers and its full message", () => {
    const error = new VirtError('NO_DOMAIN', "no domain with matching name 'x'", { domain: 'QEMU' });
    expect(errorToWire(error)).toEqual(
      remoteError({ code: 42, domain: 10, message: "Domain not found: no domain with matching name 'x'" }),
    );
  });

  it('sends anything else as an internal error from RPC', () => {
    expect(errorToWire(new TypeError('boom'))).toMatchObject({
      code: 1,
      domain: 7,
      message: 'internal error: boom',
    });
  });

  it('raises the same code, domain and text after a trip over the wire', () => {
    const sent = new VirtError('OPERATION_INVALID', 'domain is not running', { domain: 'DOMAIN' });
    const received = errorFromWire(decodeXdr(RemoteError, encodeXdr(RemoteError, errorToWire(sent))));
    expect(received).toBeInstanceOf(VirtError);
    expect([received.code, received.domain, received.message]).toEqual([
      sent.code,
      sent.domain,
      sent.message,
    ]);
  });

  it.each([
    [
      'an unknown procedure as NO_SUPPORT, as libvirt clients do',
      { code: 39, domain: 7, message: 'unknown procedure: 999' },
      'NO_SUPPORT',
      'RPC',
      'unknown procedure: 999',
    ],
    ['other RPC errors as RPC', { code: 39, domain: 7, message: 'bad' }, 'RPC', 'RPC', 'bad'],
    ['a missing message as "Unknown error"', { code: 42, domain: 12 }, 'NO_DOMAIN', 'TEST', 'Unknown error'],
    [
      'numbers it does not know as INTERNAL_ERROR / NONE, text kept',
      { code: 9999, domain: 9999, message: 'new' },
      'INTERNAL_ERROR',
      'NONE',
      'new',
    ],
  ] as const)('maps %s', (_name, fields, code, domain, message) => {
    const error = errorFromWire(remoteError(fields));
    expect([error.code, error.domain, error.message]).toEqual([code, domain, message]);
  });
});
