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

  test('ssh runs with libvirt’s options, BatchMode for no_tty', () => {
    const ssh = remoteTarget(
      parseUri('qemu+ssh://alice@host:2222/system?keyfile=/k&no_tty=1'),
      ROOT,
    ).transport;
    expect(ssh.kind === 'ssh' && sshArgv(ssh).slice(0, -1)).toEqual([
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
    ]);
  });

  // The far-side commands libvirt 9.0's virsh hands to ssh for the same URIs.
  const NC = (nc: string, socket: string) =>
    `if '${nc}' -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;'${nc}' $ARG -U ${socket}`;
  const HELPER = (flags: string, name: string) => `virt-ssh-helper${flags}'${name}'`;
  const AUTO = (helper: string, nc: string) =>
    `sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then     ${helper}; else    ${nc}; fi'`;
  const SOCK = '/var/run/libvirt/libvirt-sock';
  test.each<[string, boolean, string]>([
    ['test+ssh://h/default', false, AUTO(HELPER(' ', 'test:///default'), NC('nc', SOCK))],
    ['qemu+ssh://h/system', true, AUTO(HELPER(' -r ', 'qemu:///system'), NC('nc', `${SOCK}-ro`))],
    ['test+ssh://h/default?socket=/s', false, `sh -c '${NC('nc', '/s')}'`],
    ['test+ssh://h/default?netcat=/bin/nc', false, `sh -c '${NC('/bin/nc', SOCK)}'`],
    ['test+ssh://h/default?netcat=my%20nc', false, `sh -c '${NC("''\\''my nc'\\'''", SOCK)}'`],
    ['test+ssh://h/default?proxy=netcat', false, `sh -c '${NC('nc', SOCK)}'`],
    ['test+ssh://h/default?socket=/s&proxy=native', false, `sh -c '${HELPER(' ', 'test:///default')}'`],
  ])('%s (read-only: %s) runs the far side as virsh does', (uri, readonly, command) => {
    const ssh = remoteTarget(parseUri(uri), { ...ROOT, readonly }).transport;
    expect(ssh.kind === 'ssh' && sshArgv(ssh).at(-1)).toBe(command);
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
    ['test+ssh://h/default?proxy=bogus', "invalid argument: Unnkown proxy type 'bogus'"],
    [
      'test+ssh://h/default?proxy=native&netcat=nc',
      'invalid argument: netcat path not valid with native proxy mode',
    ],
  ])('%s is refused with libvirt text', (uri, message) => {
    expect(() => remoteTarget(parseUri(uri), ROOT)).toThrow(message);
  });
});
