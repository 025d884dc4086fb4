import { describe, expect, it } from 'vitest';
import { formatUri, getUriParam, parseUri, VirtError } from '../src/index.js';

describe('parseUri', () => {
  it.each([
    ['test:///default', { scheme: 'test', driver: 'test', path: '/default', params: [] }],
    ['test:///abs/path/node.xml', { driver: 'test', path: '/abs/path/node.xml' }],
    ['qemu:///system', { driver: 'qemu', path: '/system', host: undefined, transport: undefined }],
    ['qemu:///session', { driver: 'qemu', path: '/session' }],
    [
      'qemu:///embed?root=/dir',
      { path: '/embed', query: 'root=/dir', params: [{ name: 'root', value: '/dir' }] },
    ],
    [
      'qemu+ssh://user@host/system',
      { scheme: 'qemu+ssh', driver: 'qemu', transport: 'ssh', user: 'user', host: 'host', path: '/system' },
    ],
    ['qemu+tcp://host:16509/system', { transport: 'tcp', host: 'host', port: 16509, path: '/system' }],
    [
      'qemu+unix:///system?socket=/path',
      { transport: 'unix', host: undefined, params: [{ name: 'socket', value: '/path' }] },
    ],
    [
      'esx://host/?no_verify=1',
      { driver: 'esx', host: 'host', path: '/', params: [{ name: 'no_verify', value: '1' }] },
    ],
    ['vpx://vc/dc/cluster/host?no_verify=1', { driver: 'vpx', host: 'vc', path: '/dc/cluster/host' }],
    ['vbox:///session', { driver: 'vbox', path: '/session' }],
    ['xen:///system', { driver: 'xen', path: '/system' }],
    ['lxc:///system', { driver: 'lxc', path: '/system' }],
    ['hyperv://host/?transport=http', { host: 'host', params: [{ name: 'transport', value: 'http' }] }],
    ['qemu+tcp://[::1]:16509/system', { host: '::1', port: 16509 }],
    ['qemu+ssh://[fe80::1%25eth0]/system', { host: 'fe80::1%eth0' }],
    ['qemu+ssh://us%40er@host/sys%20tem', { user: 'us@er', path: '/sys tem' }],
    ['test://', { host: undefined, path: '' }],
  ])('%s', (text, expected: Record<string, unknown>) => {
    // Compared key by key so that `undefined` asserts the field is absent.
    const uri: Record<string, unknown> = { ...parseUri(text) };
    for (const [key, value] of Object.entries(expected)) expect(uri[key], key).toEqual(value);
  });

  it('keeps params in order, with libvirt\'s CGI rules for bare names, empty sections and "=value"', () => {
    const uri = parseUri('qemu+ssh://h/system?b=2&a=1;flag&&=ignored&c=x%20y&b=3');
    expect(uri.params).toEqual([
      { name: 'b', value: '2' },
      { name: 'a', value: '1' },
      { name: 'flag', value: '' },
      { name: 'c', value: 'x y' },
      { name: 'b', value: '3' },
    ]);
    expect(getUriParam(uri, 'b')).toBe('2');
    expect(getUriParam(uri, 'missing')).toBeUndefined();
  });

  it('ignores a port without a host, as libvirt does', () => {
    const uri = parseUri('qemu://:123/system');
    expect(uri.host).toBeUndefined();
    expect(uri.port).toBeUndefined();
  });

  it.each([
    'qemu:///sys tem',
    'qemu+tcp://host:port/system',
    'qemu+tcp://host:99999/system',
    'qemu:///system%zz',
    'qemu+ssh://[::1/system',
    '1qemu:///system',
    'qe mu:///system',
    ':::',
  ])('rejects %s with "Unable to parse URI"', (text) => {
    expect(() => parseUri(text)).toThrow(
      expect.objectContaining({
        code: 'INTERNAL_ERROR',
        message: `internal error: Unable to parse URI ${text}`,
      }),
    );
  });

  it("rejects a URI without a scheme with virConnectOpen's NO_CONNECT text", () => {
    const error = (() => {
      try {
        parseUri('/just/a/path');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(VirtError);
    expect(error).toMatchObject({
      code: 'NO_CONNECT',
      message: "no connection driver available for URI '/just/a/path' does not include a driver name",
    });
  });
});

describe('formatUri', () => {
  it.each([
    'test:///default',
    'qemu:///embed?root=/dir',
    'qemu+ssh://user@host/system',
    'qemu+tcp://host:16509/system',
    'qemu+tcp://[::1]:16509/system',
    'esx://host/?no_verify=1',
    'vpx://vc/dc/cluster/host?no_verify=1&a=b',
    'qemu+ssh://us%40er@host/sys%20tem',
  ])('round-trips %s', (text) => {
    expect(formatUri(parseUri(text))).toBe(text);
  });

  it('rebuilds the query from params when there is no raw query', () => {
    const { query: _raw, ...uri } = parseUri('qemu:///embed?root=/a%20dir');
    expect(formatUri({ ...uri })).toBe('qemu:///embed?root=%2Fa%20dir');
  });
});
