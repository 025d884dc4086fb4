/**
 * The LXC driver end to end through virtkitd: real busybox containers under a virtkitd with
 * --root, driven by libvirt's own virsh and by virtkit over the same socket. Whatever one client
 * prints, with its exit status, the other must print too.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openConnection } from '@virtkit/core';
import {
  findControllers,
  killLeftoverControllers,
  lxcDomainXml,
  makeBusyboxRootfs,
} from '@virtkit/driver-lxc/testing';
import {
  REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
  driver as remoteDriver,
} from '@virtkit/remote';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVirtkitd, removeRoot, startVirtkitd, tempRoot, until } from './virtkitd-harness.js';

const NAME = 'vk-through-virtkitd';
const VIRTKIT = fileURLToPath(new URL('../../cli/bin/virtkit.js', import.meta.url));
const TOOLS = {
  virsh: ['virsh'],
  virtkit: [process.execPath, VIRTKIT],
} as const;
type ToolName = keyof typeof TOOLS;
/** The daemon logs every call it receives: the event test waits on the loops' registrations. */
const DEBUG_LOG = ['--log-level', 'debug'];
const REGISTRATION = new RegExp(
  `proc=${REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY} type=0 `,
  'g',
);

interface Run {
  readonly args: string;
  readonly code: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

describe('the LXC driver through virtkitd, with virsh and virtkit as its clients', () => {
  let root: string;
  let daemon: RunningVirtkitd;
  let xmlFile: string;
  let uri: string;
  /** A clean C-locale environment whose HOME is the test's root, so no user config is read. */
  let env: Record<string, string>;

  beforeAll(async () => {
    root = await tempRoot();
    const rootfs = await makeBusyboxRootfs(join(root, 'rootfs'));
    xmlFile = join(root, `${NAME}.xml`);
    await writeFile(xmlFile, lxcDomainXml({ name: NAME, rootfs }));
    daemon = await startVirtkitd(root, DEBUG_LOG);
    uri = `lxc+unix:///system?socket=${daemon.rwSocket}`;
    env = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', HOME: root };
  }, 60_000);

  afterEach(async () => {
    await run('virsh', 'destroy', NAME);
    await run('virsh', 'undefine', NAME);
  });

  afterAll(async () => {
    if (root === undefined) return;
    await killLeftoverControllers(join(root, 'lxc', 'run', 'lxc'));
    await daemon?.stop();
    await removeRoot(root);
  });

  async function run(tool: ToolName, ...args: string[]): Promise<Run> {
    const [file, ...prefix] = TOOLS[tool];
    const result = await execa(file, [...prefix, '-c', uri, ...args], {
      cwd: root,
      env,
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      stdin: 'ignore',
      timeout: 30_000,
    });
    return { args: args.join(' '), code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  /** A change made by virsh alone, which must work. */
  async function succeed(tool: ToolName, ...args: string[]): Promise<void> {
    expect(await run(tool, ...args)).toMatchObject({ code: 0, stderr: '' });
  }

  /** A query, run by both clients in the same state: the two must agree byte for byte. */
  async function query(...args: string[]): Promise<Run> {
    const [virsh, virtkit] = await Promise.all([run('virsh', ...args), run('virtkit', ...args)]);
    expect(virtkit).toEqual(virsh);
    return virtkit;
  }

  const domstate = async () => (await run('virsh', 'domstate', '--reason', NAME)).stdout.trim();

  const runningControllers = async () =>
    (await findControllers(join(root, 'lxc', 'run', 'lxc'))).filter((c) => !c.spare).map((c) => c.pid);

  /** The controller of the one running container: its pid is the domain's id. */
  async function controllerPid(): Promise<number> {
    const pids = await runningControllers();
    expect(pids).toHaveLength(1);
    return pids[0] as number;
  }

  it('defines, starts, pauses, shuts down, destroys and undefines the same from virsh and virtkit', async () => {
    /**
     * One lifecycle whose changes `actor` makes; queries are asked from both clients at every step.
     * The two lifecycles are compared change by change (a change cannot be made twice in one state).
     */
    async function lifecycle(actor: ToolName): Promise<Run[]> {
      const changes: Run[] = [];
      const change = async (...args: string[]) => {
        const result = await run(actor, ...args);
        changes.push(result);
        return result;
      };
      await change('define', xmlFile);
      await query('list', '--all');
      await query('dominfo', NAME);
      expect((await query('domstate', '--reason', NAME)).stdout).toBe('shut off (unknown)\n\n');
      await change('start', NAME);
      await query('list');
      const live = await query('dumpxml', NAME);
      expect(live.stdout).toContain(`<domain type='lxc' id='${await controllerPid()}'>`);
      expect((await query('domstate', '--reason', NAME)).stdout).toBe('running (booted)\n\n');
      await change('suspend', NAME);
      expect((await query('domstate', '--reason', NAME)).stdout).toBe('paused (user)\n\n');
      await change('resume', NAME);
      expect((await query('domstate', '--reason', NAME)).stdout).toBe('running (unpaused)\n\n');
      await change('shutdown', '--mode', 'signal', NAME);
      await until(async () => (await domstate()).startsWith('shut off'), 'the container to shut down');
      expect((await query('domstate', '--reason', NAME)).stdout).toBe('shut off (shutdown)\n\n');
      await change('start', NAME);
      await change('destroy', NAME);
      expect((await query('domstate', '--reason', NAME)).stdout).toBe('shut off (destroyed)\n\n');
      await change('undefine', NAME);
      await query('list', '--all');
      await query('domstate', NAME);
      return changes;
    }
    const byVirsh = await lifecycle('virsh');
    const byVirtkit = await lifecycle('virtkit');
    expect(byVirtkit).toEqual(byVirsh);
    expect(byVirsh.map((r) => r.code)).toEqual(byVirsh.map(() => 0));
  }, 120_000);

  it('event --all --loop --timeout shows the same events in both clients', async () => {
    const registrations = async () =>
      (await readFile(join(root, 'virtkitd.log'), 'utf8')).match(REGISTRATION)?.length ?? 0;
    /** Starts one loop and returns once the daemon has had its registration for every event id. */
    async function startLoop(tool: ToolName) {
      const before = await registrations();
      const [file, ...prefix] = TOOLS[tool];
      const loop = execa(file, [...prefix, '-c', uri, 'event', '--all', '--loop', '--timeout', '15'], {
        env,
        extendEnv: false,
        reject: false,
        timeout: 40_000,
      });
      let seen = '';
      loop.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
      });
      // A client registers its callbacks back to back (virsh all 27 ids, virtkit those it decodes):
      // once the count grew and then held still for a while, this loop listens.
      let last = before;
      let stillSince = Date.now();
      const registered = async () => {
        const now = await registrations();
        if (now !== last) [last, stillSince] = [now, Date.now()];
        return last > before && Date.now() - stillSince > 300;
      };
      await until(registered, `${tool} event to register its callbacks`);
      return { loop, seen: () => seen };
    }
    const loops = [await startLoop('virsh'), await startLoop('virtkit')];
    const bothSaw = (text: string) =>
      until(async () => loops.every((l) => l.seen().includes(text)), text, 15_000);
    await succeed('virsh', 'define', xmlFile);
    await bothSaw('Defined Added');
    await succeed('virsh', 'start', NAME);
    await bothSaw('Started Booted');
    // The test init runs what the console types; it reboots only as pid 1 of its own namespace.
    const connection = await openConnection(uri, { drivers: [remoteDriver] });
    try {
      const console = await (await connection.lookupDomainByName(NAME)).openConsole();
      console.on('error', () => {});
      console.write('reboot -f\n');
      await bothSaw(`event 'reboot'`);
      console.destroy();
    } finally {
      await connection.close();
    }
    await until(async () => (await domstate()) === 'running (booted)', 'the container to boot again');
    await succeed('virsh', 'shutdown', '--mode', 'signal', NAME);
    await bothSaw('Stopped Shutdown');
    await succeed('virsh', 'start', NAME);
    await succeed('virsh', 'destroy', NAME);
    await bothSaw('Stopped Destroyed');
    const [virsh, virtkit] = await Promise.all(loops.map((l) => l.loop));
    const events = (text: string) => text.split('\n').filter((line) => line.startsWith("event '"));
    const lifecycle = (text: string) => `event 'lifecycle' for domain '${NAME}': ${text}`;
    expect(events(String(virsh?.stdout))).toEqual([
      lifecycle('Defined Added'),
      lifecycle('Started Booted'),
      `event 'reboot' for domain '${NAME}'`,
      lifecycle('Stopped Shutdown'),
      lifecycle('Started Booted'),
      lifecycle('Stopped Destroyed'),
    ]);
    expect({ code: virtkit?.exitCode, stdout: virtkit?.stdout, stderr: virtkit?.stderr }).toEqual({
      code: virsh?.exitCode,
      stdout: virsh?.stdout,
      stderr: virsh?.stderr,
    });
  }, 90_000);

  it('console NAME in a terminal runs what is typed in the container, and ^] leaves, in both clients', async () => {
    await succeed('virsh', 'define', xmlFile);
    await succeed('virsh', 'start', NAME);
    const inTerminal = async (tool: ToolName) => {
      const command = `${TOOLS[tool].join(' ')} -c '${uri}' console ${NAME}`;
      const session = execa('script', ['-qfec', command, '/dev/null'], {
        env,
        extendEnv: false,
        reject: false,
        timeout: 20_000,
      });
      let seen = '';
      session.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
      });
      await until(async () => seen.includes('Escape character is ^] (Ctrl + ])\r\n'), 'the greeting');
      // What is typed waits in the pty until the console reads it; the init's shell answers.
      session.stdin?.write('echo through-$((6*7))\n');
      await until(async () => seen.includes('through-42\r\n'), 'the answer');
      session.stdin?.write('\x1d');
      const result = await session;
      // virsh on a tty first tries to start a polkit agent, and this host has no polkit to ask.
      const text = seen.replace(/^Authorization not available\..*\r\n/, '');
      return { code: result.exitCode, text };
    };
    const virsh = await inTerminal('virsh');
    const virtkit = await inTerminal('virtkit');
    expect(virsh).toEqual({
      code: 0,
      text: `Connected to domain '${NAME}'\r\nEscape character is ^] (Ctrl + ])\r\nthrough-42\r\n\r\n`,
    });
    expect(virtkit).toEqual(virsh);
  }, 60_000);

  it('keeps a container running across a SIGKILLed virtkitd, and shuts it down after', async () => {
    await succeed('virsh', 'define', xmlFile);
    await succeed('virsh', 'start', NAME);
    const before = await query('list');
    const id = String(await controllerPid());
    expect(before.stdout).toContain(` ${id} `);
    daemon.process.kill('SIGKILL');
    await daemon.process;
    daemon = await startVirtkitd(root, DEBUG_LOG);
    expect(await query('list')).toEqual(before);
    expect((await query('domid', NAME)).stdout).toBe(`${id}\n\n`);
    expect((await query('domstate', '--reason', NAME)).stdout).toBe('running (booted)\n\n');
    expect(await run('virtkit', 'shutdown', '--mode', 'signal', NAME)).toMatchObject({ code: 0, stderr: '' });
    await until(async () => (await domstate()) === 'shut off (shutdown)', 'the container to shut down');
    expect(await runningControllers()).toEqual([]);
  }, 90_000);
});
