import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Driver } from '@virtkit/core';
import { DriverHub, serveClient } from '@virtkit/remote';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeByte } from '../src/commands/domain-console.js';
import { runCli } from './run-cli.js';
import { locateVirsh, locateVirtkit, runTool } from './side-by-side/tools.js';

const LXC_CONFIG = '/work/shared/libvirt-testdata/lxc/lxcconf2xmldata/lxcconf2xml-simple.config';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'virtkit-console-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** virsh and virtkit run with the same arguments give the same status and text. */
async function sideBySide(argv: string[]) {
  const [virsh, virtkit] = await Promise.all([
    runTool(locateVirsh(), argv, { cwd: dir }),
    runTool(locateVirtkit(), argv, { cwd: dir }),
  ]);
  expect(virtkit).toEqual(virsh);
  return virtkit;
}

describe('virtkit domxml-from-native, as virsh 9.0', () => {
  it.each([
    [['domxml-from-native', 'lxc-tools', LXC_CONFIG]],
    [['domxml-from-native', 'lxc-tools', '/nonexistent']],
    [['domxml-from-native', 'lxc-tools', '/tmp']],
    [['domxml-from-native', 'lxc-tools']],
    [['domxml-from-native']],
  ])('on test:///default: %j', async (args) => {
    const run = await sideBySide(['-c', 'test:///default', ...args]);
    expect(run.exitCode).toBe(1);
  });

  it('converts an lxc-tools config through an autostarted virtkitd as virsh -c lxc:///system does', async (ctx) => {
    const theirs = await runTool(
      locateVirsh(),
      ['-c', 'lxc:///system', 'domxml-from-native', 'lxc-tools', LXC_CONFIG],
      {
        cwd: dir,
      },
    );
    if (theirs.exitCode !== 0) ctx.skip();
    const root = mkdtempSync(join(tmpdir(), 'virtkit-lxc-'));
    const lock = join(root, 'run', 'manager.lock');
    try {
      const uri = `lxc+unix:///system?socket=${join(root, 'run', 'virtkit-sock')}`;
      const ours = await runTool(
        locateVirtkit(),
        ['-c', uri, 'domxml-from-native', 'lxc-tools', LXC_CONFIG],
        {
          cwd: root,
        },
      );
      // The config names no UUID: each side makes one up.
      const uuidless = (text: string) => text.replace(/<uuid>[0-9a-f-]{36}<\/uuid>/, '<uuid/>');
      expect({ ...ours, stdout: uuidless(ours.stdout) }).toEqual({
        ...theirs,
        stdout: uuidless(theirs.stdout),
      });
      expect(ours.stdout).toContain("<domain type='lxc'>");
    } finally {
      // The daemon the command started, by the pid in its lock.
      const pid = Number(readFileSync(lock, 'utf8').split(/\s+/)[0]);
      if (pid > 0) {
        process.kill(pid, 'SIGTERM');
        for (let waited = 0; waited < 5000; waited += 50) {
          try {
            process.kill(pid, 0);
          } catch {
            break;
          }
          await sleep(50);
        }
      }
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('virtkit console, as virsh 9.0', () => {
  it.each([[['console', 'test']], [['destroy test; console test']], [['console', 'nosuch']], [['console']]])(
    'refuses on test:///default without a tty: %j',
    async (args) => {
      const run = await sideBySide(['-c', 'test:///default', ...args]);
      expect(run.exitCode).toBe(1);
    },
  );

  it('reads -e escape sequences as virsh does', () => {
    expect(escapeByte('^]')).toBe(0x1d);
    expect(escapeByte('^a')).toBe(0x01);
    expect(escapeByte('^C')).toBe(0x03);
    expect(escapeByte('~')).toBe(0x7e);
  });

  it('says no TTY in-process too, printing only the blank line after the command', async () => {
    const run = await runCli(['-c', 'test:///default', 'console test']);
    expect(run).toEqual({
      code: 1,
      stdout: '\n',
      stderr: 'error: Cannot run interactive console without a controlling TTY\n',
    });
  });
});

/** A console whose guest echoes upper-cased what it gets, and what it got. */
class ShoutingConsole extends Duplex {
  received = '';
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.received += chunk.toString();
    this.push(chunk.toString().toUpperCase());
    callback();
  }
}

describe('virtkit console in a terminal, over the wire to a server with a console', () => {
  const consoles: ShoutingConsole[] = [];
  let server: Server;
  let socket: string;
  const guest = { name: 'echo', uuid: 'c7a5fdbd-edaf-9455-926a-d65c16db1809', id: 4 };
  const fake: Driver = {
    name: 'fake',
    schemes: ['fake'],
    open: async () => ({
      close: async () => {},
      getUri: () => 'fake:///default',
      listDomains: async () => [],
      lookupDomain: async (key) =>
        ('name' in key && key.name === guest.name) || ('uuid' in key && key.uuid === guest.uuid)
          ? guest
          : undefined,
      getState: async () => ({ state: 'running', reason: 'booted' }),
      openConsole: async () => {
        const console = new ShoutingConsole();
        consoles.push(console);
        return console;
      },
    }),
  };

  beforeAll(async () => {
    socket = join(dir, 'fake-sock');
    const hub = new DriverHub({
      drivers: [fake],
      importDriver: (s) => import(s),
      defaultUri: 'fake:///default',
    });
    server = createServer((stream) => void serveClient(stream, { readonly: false, hub }));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
  });
  afterAll(async () => {
    for (const console of consoles) console.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Runs `command` in a pty (util-linux script), types `keys` one write at a time, and returns the run. */
  async function inTerminal(command: string, keys: string[]) {
    const run = execa('script', ['-qfec', command, '/dev/null'], {
      reject: false,
      timeout: 20_000,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', HOME: dir },
      extendEnv: false,
    });
    let seen = '';
    run.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    const before = consoles.length;
    await expect.poll(() => consoles.length, { timeout: 10_000 }).toBe(before + 1);
    for (const key of keys) {
      run.stdin?.write(key);
      // Separate reads, as separate key presses are.
      await sleep(200);
    }
    const result = await run;
    return { code: result.exitCode, seen, console: consoles.at(-1) as ShoutingConsole };
  }

  it("relays both ways in raw mode, and ^] ends it with virsh's blank line and status 0", async () => {
    const { file, prefix } = locateVirtkit();
    const command = `${file} ${prefix.join(' ')} -c 'fake+unix:///default?socket=${socket}' console echo`;
    const { code, seen, console } = await inTerminal(command, ['hello', '\x03', '\x1d']);
    expect(code).toBe(0);
    // Raw mode: Ctrl-C reaches the guest rather than ending virtkit.
    expect(console.received).toBe('hello\x03');
    expect(seen).toBe("Connected to domain 'echo'\r\nEscape character is ^] (Ctrl + ])\r\nHELLO\x03\r\n");
    await expect.poll(() => console.destroyed).toBe(true);
  }, 30_000);

  it('ends on the escape -e names, and -q drops the greeting and the blank line', async () => {
    const { file, prefix } = locateVirtkit();
    const command = `${file} ${prefix.join(' ')} -q -e '^a' -c 'fake+unix:///default?socket=${socket}' console echo`;
    const { code, seen, console } = await inTerminal(command, ['x', '\x1d', '\x01']);
    expect(code).toBe(0);
    expect(console.received).toBe('x\x1d');
    expect(seen).toBe('X\x1d');
  }, 30_000);
});

describe('virtkit console on a real QEMU guest through libvirtd 9.0', () => {
  const name = `vk-cli-console-${process.pid}`;
  const virsh = (...args: string[]) => execa('virsh', ['-c', 'qemu:///system', ...args], { reject: false });

  afterAll(async () => {
    await virsh('destroy', name);
  });

  it("shows the guest's BOOT after a reset and leaves on ^], as virsh does", async (ctx) => {
    if ((await virsh('uri')).exitCode !== 0) ctx.skip();
    const image = join(dir, 'guest.img');
    await execa('cp', [new URL('../../../../shared/guest/powerbutton.img', import.meta.url).pathname, image]);
    const xml = `<domain type='qemu'><name>${name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${image}'/>
  <target dev='hda' bus='ide'/></disk><serial type='pty'/><console type='pty'/></devices></domain>`;
    const xmlFile = join(dir, 'guest.xml');
    await writeFile(xmlFile, xml);
    const created = await virsh('create', xmlFile);
    expect(created.stderr).toBe('');
    const { file, prefix } = locateVirtkit();
    const uri = 'qemu+unix:///system?socket=/run/libvirt/libvirt-sock';
    const run = execa(
      'script',
      ['-qfec', `${file} ${prefix.join(' ')} -c '${uri}' console ${name}`, '/dev/null'],
      {
        reject: false,
        timeout: 30_000,
      },
    );
    let seen = '';
    run.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    await expect.poll(() => seen, { timeout: 10_000 }).toContain('Escape character is ^] (Ctrl + ])\r\n');
    // The greeting comes just before the console opens: reset until the guest's BOOT shows.
    for (let tries = 0; tries < 10 && !seen.includes('BOOT'); tries++) {
      await virsh('reset', name);
      await sleep(1000);
    }
    expect(seen).toContain('BOOT');
    run.stdin?.write('\x1d');
    const result = await run;
    expect(result.exitCode).toBe(0);
    expect(seen.startsWith(`Connected to domain '${name}'\r\nEscape character is ^] (Ctrl + ])\r\n`)).toBe(
      true,
    );
    expect(seen.endsWith('\r\n')).toBe(true);
  }, 60_000);
});
