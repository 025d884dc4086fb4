import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_MESSAGES, type ErrorCode, isVirtError, VirtError } from '../src/index.js';

describe('VirtError messages match libvirt 9 virErrorMsgStrings', () => {
  const cases: [ErrorCode, string | undefined, string][] = [
    ['INTERNAL_ERROR', undefined, 'internal error'],
    ['INTERNAL_ERROR', 'oops', 'internal error: oops'],
    [
      'NO_DOMAIN',
      "no domain with matching name 'vm1'",
      "Domain not found: no domain with matching name 'vm1'",
    ],
    ['OPERATION_INVALID', 'domain is not running', 'Requested operation is not valid: domain is not running'],
    ['OPERATION_INVALID', undefined, 'Requested operation is not valid'],
    ['XML_ERROR', undefined, 'XML description is invalid or not well formed'],
    ['XML_ERROR', "name a/b cannot contain '/'", "XML error: name a/b cannot contain '/'"],
    ['DOM_EXIST', 'vm1', 'domain vm1 exists already'],
    [
      'OPERATION_TIMEOUT',
      'cannot acquire state change lock',
      'Timed out during operation: cannot acquire state change lock',
    ],
    ['NO_CONNECT', 'qemu:///system', 'no connection driver available for qemu:///system'],
    ['RPC', 'cannot read from socket', 'cannot read from socket'],
    ['SYSTEM_ERROR', undefined, 'system call error'],
    ['INVALID_STREAM', undefined, 'invalid stream pointer'],
    ['INVALID_STREAM', 'virStreamSend', 'invalid stream pointer in virStreamSend'],
    ['NETWORK_PORT_EXIST', 'p1', 'network port p1 exists already'],
    ['NO_NETWORK_METADATA', undefined, 'metadata not found'],
    ['RESOURCE_BUSY', 'disk in use', 'resource busy: disk in use'],
  ];

  it.each(cases)('%s with detail %j', (code, detail, message) => {
    expect(new VirtError(code, detail).message).toBe(message);
  });

  it('has a text for every code but OK', () => {
    const missing = (Object.keys(ERROR_CODES) as ErrorCode[]).filter(
      (code) => code !== 'OK' && ERROR_MESSAGES[code] === undefined,
    );
    expect(missing).toEqual([]);
  });

  it('keeps exactly one %s in every detailed text', () => {
    for (const texts of Object.values(ERROR_MESSAGES)) {
      expect(texts?.withDetail.split('%s')).toHaveLength(2);
      expect(texts?.bare).not.toContain('%');
    }
  });
});

describe('VirtError identity', () => {
  it('carries libvirt code and error-domain numbers', () => {
    const error = new VirtError('OPERATION_TIMEOUT', 'x', { domain: 'QEMU' });
    expect(error.code).toBe('OPERATION_TIMEOUT');
    expect(error.codeNumber).toBe(68);
    expect(error.domainNumber).toBe(10);
    expect(error.detail).toBe('x');
    expect(new VirtError('NO_DOMAIN').domainNumber).toBe(0);
  });

  it('is recognised by isVirtError, optionally by code', () => {
    const error = new VirtError('NO_DOMAIN', 'vm');
    expect(isVirtError(error)).toBe(true);
    expect(isVirtError(error, 'NO_DOMAIN')).toBe(true);
    expect(isVirtError(error, 'DOM_EXIST')).toBe(false);
    expect(isVirtError(new Error('Domain not found'))).toBe(false);
    expect(isVirtError(undefined)).toBe(false);
  });
});

describe('VirtError verbatim messages', () => {
  it('keeps the detail as the whole message, as libvirt does for virCheckFlags', () => {
    const error = new VirtError(
      'INVALID_ARG',
      'unsupported flags (0x1) in function testDomainCreateWithFlags',
      {
        verbatim: true,
      },
    );
    expect(error.message).toBe('unsupported flags (0x1) in function testDomainCreateWithFlags');
    expect(error.code).toBe('INVALID_ARG');
  });
});
