import { describe, expect, it } from 'vitest';
import { pascalCase } from '../scripts/generate-protocol.mjs';
import { LXC_PROC_DOMAIN_OPEN_NAMESPACE, LXC_PROCEDURES } from '../src/generated/lxc-protocol.js';
import { QEMU_PROC_DOMAIN_MONITOR_COMMAND, QEMU_PROCEDURES } from '../src/generated/qemu-protocol.js';
import {
  REMOTE_PROC_CONNECT_OPEN,
  REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
  REMOTE_PROC_DOMAIN_FD_ASSOCIATE,
  REMOTE_PROC_DOMAIN_GET_STATE,
  REMOTE_PROC_DOMAIN_SCREENSHOT,
  REMOTE_PROC_STORAGE_VOL_UPLOAD,
  REMOTE_PROCEDURES,
  RemoteConnectOpenArgs,
  RemoteDomainEventCallbackLifecycleMsg,
  RemoteDomainGetStateArgs,
  RemoteDomainGetStateRet,
} from '../src/generated/remote-protocol.js';

describe('procedure tables', () => {
  it('lists every remote procedure up to libvirt 9.6 (REMOTE_PROC_DOMAIN_FD_ASSOCIATE = 443)', () => {
    expect(REMOTE_PROC_DOMAIN_FD_ASSOCIATE).toBe(443);
    expect(Math.max(...REMOTE_PROCEDURES.keys())).toBe(443);
    expect(REMOTE_PROCEDURES.size).toBe(443);
  });

  it('finds args and ret codecs by libvirt naming convention', () => {
    expect(REMOTE_PROCEDURES.get(REMOTE_PROC_DOMAIN_GET_STATE)).toEqual({
      name: 'REMOTE_PROC_DOMAIN_GET_STATE',
      args: RemoteDomainGetStateArgs,
      ret: RemoteDomainGetStateRet,
      priority: 'high',
      acl: ['domain:read'],
    });
  });

  it('gives events their msg codec and calls without ret none', () => {
    expect(REMOTE_PROCEDURES.get(REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE)?.msg).toBe(
      RemoteDomainEventCallbackLifecycleMsg,
    );
    const open = REMOTE_PROCEDURES.get(REMOTE_PROC_CONNECT_OPEN);
    expect(open?.args).toBe(RemoteConnectOpenArgs);
    expect(open?.ret).toBeUndefined();
  });

  it('carries stream direction from @readstream / @writestream', () => {
    expect(REMOTE_PROCEDURES.get(REMOTE_PROC_DOMAIN_SCREENSHOT)?.stream).toBe('read');
    expect(REMOTE_PROCEDURES.get(REMOTE_PROC_STORAGE_VOL_UPLOAD)?.stream).toBe('write');
    expect(REMOTE_PROCEDURES.get(REMOTE_PROC_DOMAIN_GET_STATE)?.stream).toBeUndefined();
  });

  it('has the QEMU and LXC programs too', () => {
    expect(QEMU_PROCEDURES.get(QEMU_PROC_DOMAIN_MONITOR_COMMAND)?.name).toBe(
      'QEMU_PROC_DOMAIN_MONITOR_COMMAND',
    );
    expect(LXC_PROCEDURES.get(LXC_PROC_DOMAIN_OPEN_NAMESPACE)?.args).toBeDefined();
  });

  it.each([
    ['remote_domain_get_state_args', 'RemoteDomainGetStateArgs'],
    ['virNetMessageHeader', 'VirNetMessageHeader'],
    ['remote_nonnull_string', 'RemoteNonnullString'],
  ])('names %s as %s', (xdrName, tsName) => {
    expect(pascalCase(xdrName)).toBe(tsName);
  });
});
