import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RunningVirtkitd,
  removeRoot,
  runVirtkitd,
  startVirtkitd,
  tempRoot,
} from './virtkitd-harness.js';

let root: string;
let daemon: RunningVirtkitd | undefined;

beforeEach(async () => {
  root = await tempRoot();
});

afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await removeRoot(root);
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('virtkitd as a process', () => {
  it('documents every option in --help and prints its version', async () => {
    const help = await runVirtkitd(['--help']);
    expect(help.exitCode).toBe(0);
    for (const option of [
      '--help',
      '--version',
      '--timeout',
      '--root',
      '--listen',
      '--stdio',
      '--log-file',
      '--log-level',
    ]) {
      expect(help.stdout).toContain(option);
    }
    expect(help.stdout).toContain('/run/virtkit/virtkit-sock-ro');
    const version = await runVirtkitd(['--version']);
    expect(version.stdout).toMatch(/^virtkitd \(virtkit\) \d+\.\d+\.\d+$/);
  });

  it('refuses an unknown option or a bad value', async () => {
    const unknown = await runVirtkitd(['--bogus']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("virtkitd: unknown option '--bogus'");
    const level = await runVirtkitd(['--log-level', 'loud']);
    expect(level.stderr).toContain("invalid log level 'loud'");
  });

  it('listens on a read-write socket for its owner and a read-only one for everyone', async () => {
    daemon = await startVirtkitd(root);
    expect(await modeOf(daemon.rwSocket)).toBe(0o700);
    expect(await modeOf(daemon.roSocket)).toBe(0o777);
    expect(await modeOf(join(root, 'run'))).toBe(0o755);
  });

  it('refuses to start a second daemon on the same sockets, naming the first', async () => {
    daemon = await startVirtkitd(root);
    const second = await runVirtkitd(['--root', root]);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain(`another virtkitd serves ${daemon.rwSocket}`);
    expect(second.stderr).toContain(`in use by process ${daemon.process.pid}`);
    // The first one is untouched.
    expect(await modeOf(daemon.rwSocket)).toBe(0o700);
  });

  it('exits 0 on SIGTERM, removing its sockets and lock', async () => {
    daemon = await startVirtkitd(root, ['--log-level', 'info']);
    const code = await daemon.stop();
    expect(code).toBe(0);
    await expect(stat(daemon.rwSocket)).rejects.toThrow();
    await expect(stat(daemon.roSocket)).rejects.toThrow();
    await expect(stat(join(root, 'run', 'manager.lock'))).rejects.toThrow();
    expect(await readFile(join(root, 'virtkitd.log'), 'utf8')).toMatch(/: info : SIGTERM: shutting down\n/);
  });

  it('refuses --listen without its TLS files, leaving no socket or lock behind', async () => {
    const result = await runVirtkitd(['--root', root, '--listen', '--tls-port', '1']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `virtkitd: Cannot read CA certificate '${join(root, 'pki', 'CA', 'cacert.pem')}'`,
    );
    await expect(stat(join(root, 'run', 'virtkit-sock'))).rejects.toThrow();
    await expect(stat(join(root, 'run', 'manager.lock'))).rejects.toThrow();
  });

  it('exits by itself after --timeout seconds without a client', async () => {
    daemon = await startVirtkitd(root, ['--timeout', '1']);
    const started = Date.now();
    const result = await daemon.process;
    expect(result.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(stat(daemon.rwSocket)).rejects.toThrow();
  });
});
