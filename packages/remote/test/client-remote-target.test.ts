import { parseUri } from '@virtkit/core';
import { describe, expect, test } from 'vitest';
import { sshArgv } from '../src/client/transport/open-transport.js';
import {
  defaultDaemonSocket,
  remoteTarget,
  type TransportSpec,
} from '../src/client/transport/remote-target.js';

const ROOT = { readonly: false, env: {}, uid: 0 } as const;

describe('remoteTarget follows libvirt doRemoteOpen', () => {
  test.each<[string, TransportSpec, string]>([
    [
      'test+unix:///default?socket=/run/libvirt/libvirt-sock',
      { kind: 'unix', path: '/run/libvirt/libvirt-sock' },
      'test:///default',
    ],
    ['qemu:///system', { kind: 'unix', path: '/run/virtkit/virtkit-sock' }, 'qemu:///system'],
    ['qemu+unix:///system', { kind: 'unix', path: '/run/virtkit/virtkit-sock' }, 'qemu:///system'],
    ['qemu+tcp://host/system', { kind: 'tcp', host: 'host', port: 16509 }, 'qemu:///system'],
    ['qemu+tcp://host:1234/system', { kind: 'tcp', host: 'host', port: 1234 }, 'qemu:///system'],
    ['qemu://host/system', { kind: 'tls', host: 'host', port: 16514, verify: true }, 'qemu:///system'],
    [
      'qemu+tls://host/system?pkipath=/pki&no_verify=1',
      { kind: 'tls', host: 'host', port: 16514, verify: false, pkiPath: '/pki' },
      'qemu:///system',
    ],
    ['remote://host/', { kind: 'tls', host: 'host', port: 16514, verify: true }, ''],
    [
      'test+unix:///default?name=test:///other',
      { kind: 'unix', path: '/run/virtkit/virtkit-sock' },
      'test:///other',
    ],
    ['qemu+unix:///system?socket=/s&keep=this', { kind: 'unix', path: '/s' }, 'qemu:///system?keep=this'],
    ['foo:///', { kind: 'unix', path: '/run/virtkit/virtkit-sock' }, 'foo:///'],
  ])('%s', (uri, transport, name) => {
    expect(remoteTarget(parseUri(uri), ROOT)).toEqual({ transport, name });
  });

  test('ssh runs virtkitd --stdio on the far side, or netcat to a named socket', () => {
    const plain = remoteTarget(
      parseUri('qemu+ssh://alice@host:2222/system?keyfile=/k&no_tty=1'),
      ROOT,
    ).transport;
    expect(plain.kind === 'ssh' && sshArgv(plain)).toEqual([
      '-p',
      '2222',
      '-l',
      'alice',
      '-i',
      '/k',
      '-T',
      '-e',
      'none',
      '-o',
      'BatchMode=yes',
      '--',
      'host',
      'virtkitd',
      '--stdio',
    ]);
    const nc = remoteTarget(
      parseUri('qemu+ssh://host/system?socket=/run/libvirt/libvirt-sock'),
      ROOT,
    ).transport;
    expect(nc.kind === 'ssh' && sshArgv(nc).slice(-4)).toEqual([
      'host',
      'nc',
      '-U',
      '/run/libvirt/libvirt-sock',
    ]);
  });

  test('read-only and non-root connections use the matching virtkitd socket', () => {
    expect(defaultDaemonSocket({ ...ROOT, readonly: true })).toBe('/run/virtkit/virtkit-sock-ro');
    expect(defaultDaemonSocket({ readonly: false, env: { XDG_RUNTIME_DIR: '/run/user/7' }, uid: 7 })).toBe(
      '/run/user/7/virtkit/virtkit-sock',
    );
  });

  test.each([
    [
      'qemu+unix://host/system',
      "invalid argument: using unix socket and remote server 'host' is not supported.",
    ],
    ['qemu+bogus:///system', 'invalid argument: remote_open: transport in URL not recognised'],
    ['qemu+ext:///system', "invalid argument: remote_open: for 'ext' transport, command is required"],
  ])('%s is refused with libvirt text', (uri, message) => {
    expect(() => remoteTarget(parseUri(uri), ROOT)).toThrow(message);
  });
});
