import { parseUri } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { qemuDriverPaths } from '../src/driver-paths.js';

const paths = (uri: string, env: Record<string, string> = {}, privileged = true) =>
  qemuDriverPaths(parseUri(uri), env, privileged);

describe('QEMU driver directories', () => {
  it('keeps the system driver under virtkit system directories', () => {
    expect(paths('qemu:///system')).toEqual({
      configDir: '/etc/virtkit/qemu',
      stateDir: '/run/virtkit/qemu',
      libDir: '/var/lib/virtkit/qemu',
      cacheDir: '/var/cache/virtkit/qemu',
      logDir: '/var/log/virtkit/qemu',
    });
  });

  it('puts everything of an embedded driver under its root', () => {
    expect(paths('qemu:///embed?root=/tmp/vk')).toEqual({
      configDir: '/tmp/vk/etc/qemu',
      stateDir: '/tmp/vk/run/qemu',
      libDir: '/tmp/vk/lib/qemu',
      cacheDir: '/tmp/vk/cache/qemu',
      logDir: '/tmp/vk/log/qemu',
    });
  });

  it('follows the XDG base directories for the session driver', () => {
    expect(paths('qemu:///session', { HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000' }, false)).toEqual({
      configDir: '/home/u/.config/virtkit/qemu',
      stateDir: '/run/user/1000/virtkit/qemu/run',
      libDir: '/home/u/.config/virtkit/qemu/lib',
      cacheDir: '/home/u/.cache/virtkit/qemu/cache',
      logDir: '/home/u/.cache/virtkit/qemu/log',
    });
  });

  it('refuses other paths with libvirt hint for the caller', () => {
    expect(() => paths('qemu:///other')).toThrow(
      "internal error: unexpected QEMU URI path '/other', try qemu:///system",
    );
    expect(() => paths('qemu:///other', { HOME: '/home/u' }, false)).toThrow(
      "internal error: unexpected QEMU URI path '/other', try qemu:///session",
    );
    expect(() => paths('qemu:///embed')).toThrow(
      'invalid argument: URI must be qemu:///embed?root=/some/path',
    );
  });
});
