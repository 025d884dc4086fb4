import { describe, expect, it } from 'vitest';
import { checkConnectUri, parseUri, resolveAlias, resolveUri } from '../src/index.js';

describe('resolveUri', () => {
  const env = { LIBVIRT_DEFAULT_URI: 'qemu:///session' };

  it('prefers the explicit URI, then LIBVIRT_DEFAULT_URI, then the configured default', () => {
    expect(resolveUri({ uri: 'test:///default', env, fallback: 'lxc:///system' })).toBe('test:///default');
    expect(resolveUri({ env, fallback: 'lxc:///system' })).toBe('qemu:///session');
    expect(resolveUri({ uri: '', env: { LIBVIRT_DEFAULT_URI: '' }, fallback: 'lxc:///system' })).toBe(
      'lxc:///system',
    );
  });

  it('leaves the choice to the caller when nothing gives a URI', () => {
    expect(resolveUri({ env: {} })).toBeUndefined();
  });

  it.each(['xen', 'XEN', 'xen://'])("rewrites legacy '%s' to xen:///system", (uri) => {
    expect(resolveUri({ uri, env: {} })).toBe('xen:///system');
  });

  it('resolves aliases unless asked not to', () => {
    const aliases = [
      'hail=qemu+ssh://root@hail.cloud.example.com/system',
      'sleet=qemu+ssh://root@sleet/system',
    ];
    expect(resolveUri({ uri: 'sleet', env: {}, aliases })).toBe('qemu+ssh://root@sleet/system');
    expect(resolveUri({ env: { LIBVIRT_DEFAULT_URI: 'hail' }, aliases })).toBe(
      'qemu+ssh://root@hail.cloud.example.com/system',
    );
    expect(resolveUri({ uri: 'sleet', env: {}, aliases, noAliases: true })).toBe('sleet');
    expect(resolveUri({ uri: 'qemu:///system', env: {}, aliases })).toBe('qemu:///system');
  });
});

describe('resolveAlias', () => {
  it.each([
    [
      'broken',
      "configuration file syntax error: Malformed 'uri_aliases' config entry 'broken', expected 'alias=uri://host/path'",
    ],
    [
      'bad.name=qemu:///system',
      "configuration file syntax error: Malformed 'uri_aliases' config entry 'bad.name=qemu:///system', aliases may only contain 'a-Z, 0-9, _, -'",
    ],
  ])('rejects the malformed entry %s with CONF_SYNTAX', (entry, message) => {
    expect(() => resolveAlias([entry], 'x')).toThrow(
      expect.objectContaining({ code: 'CONF_SYNTAX', message }),
    );
  });
});

describe('checkConnectUri', () => {
  const check = (text: string) => () => checkConnectUri(parseUri(text), text);

  it.each([
    ['qemu://system', 'internal error: invalid URI qemu://system (maybe you want qemu:///system)'],
    ['vbox://session', 'internal error: invalid URI vbox://session (maybe you want vbox:///session)'],
    ['qemu:///embed', "invalid argument: Missing URI parameter 'root'"],
    ['qemu:///embed?root=rel/dir', 'unsupported configuration: root path must be absolute'],
    [
      'qemu+unix:///embed?root=/x',
      "no connection driver available for URI scheme 'qemu+unix' for embedded driver is not valid",
    ],
  ])('rejects %s', (text, message) => {
    expect(check(text)).toThrow(expect.objectContaining({ message }));
  });

  it.each(['qemu:///system', 'qemu:///embed?root=/var/tmp/vk', 'test://system/default', 'esx://system/'])(
    'accepts %s',
    (text) => {
      expect(check(text)).not.toThrow();
    },
  );
});
