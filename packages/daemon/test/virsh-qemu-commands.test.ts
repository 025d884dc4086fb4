import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bootCount, killLeftoverQemus, makePowerbuttonGuest } from '@virtkit/driver-qemu/testing';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVirtkitd, removeRoot, startVirtkitd, tempRoot, until } from './virtkitd-harness.js';

/**
 * The same virsh command lines against virtkitd's qemu:///system and the real libvirtd's, each on
 * its own copy of the powerbutton guest (one name on both sides, unique on libvirtd's host).
 */

const LIBVIRT_URI = 'qemu:///system';
const NAME = `virtkit-cmp-${randomBytes(4).toString('hex')}`;

interface Side {
  readonly label: 'virtkitd' | 'libvirtd';
  readonly uri: string;
  /** Where this side's guest copy, its XML and serial log live. */
  readonly dir: string;
  readonly serialLog: string;
}

function virsh(uri: string, commands: string) {
  return execa('virsh', ['-c', uri, commands], { reject: false, timeout: 60_000 });
}

/** What must differ between the two daemons: ids, uuids, CPU time, the guest copies' directory. */
function stable(text: string, side: Side): string {
  return text
    .replaceAll(`${side.dir}/`, 'DIR/')
    .replace(/^(Id:\s+)\d+/gm, '$1N')
    .replace(/^(UUID:\s+)\S+/gm, '$1U')
    .replace(/^(CPU time:\s+)\S+/gm, '$1T')
    .replace(/ id='\d+'/g, " id='N'")
    .replace(/<uuid>[^<]*<\/uuid>/, '<uuid>U</uuid>');
}

/**
 * What libvirtd prints and virtkitd does not (yet), removed from libvirtd's side only: once
 * virtkitd prints one of them too, the comparison fails and the entry goes.
 */
const LIBVIRT_ONLY: readonly (readonly [RegExp, string, string])[] = [
  // Gap: no virDomainGetMessages, so no taint list (libvirt taints a QEMU run as root).
  [/^Messages:.*\n/gm, '', 'dominfo: taint messages'],
  // Legitimate: virtkit places no guest in a cgroup partition (no machined/cgroup manager).
  [/ {2}<resource>\n {4}<partition>[^<]*<\/partition>\n {2}<\/resource>\n/, '', 'XML: resource partition'],
  // Legitimate: virtkit has no DAC security driver; both report security model none.
  [/ {2}<seclabel type='dynamic' model='dac'[\s\S]*?<\/seclabel>\n/, '', 'XML: DAC seclabel'],
  // Gap: libvirt's live XML carries the device aliases virtkit already gives QEMU as ids.
  [/^ *<alias name='[^']*'\/>\n/gm, '', 'XML: device aliases'],
  [/<(controller|input) ([^>]*)>\n\s*<\/\1>/g, '<$1 $2/>', 'XML: elements left empty by the aliases'],
  // Gap: the storage source index and the (empty) backing chain of a running disk.
  [/(<source file='[^']*') index='\d+'\/>/g, '$1/>', 'XML: disk source index'],
  [/^ *<backingStore\/>\n/gm, '', 'XML: disk backingStore'],
  // Gap: qemuProcessUpdateGuestCPU records the features QEMU's CPU model really has.
  [/(<cpu mode='custom' match='exact') check='full'>/, "$1 check='none'>", 'XML: CPU check'],
  [/^ *<feature policy='require' name='[^']*'\/>\n/gm, '', 'XML: CPU features QEMU added'],
];

function libvirtOnlyRemoved(text: string): string {
  return LIBVIRT_ONLY.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/** `list` on libvirtd's host may show other guests: keep the header and our guest, ids blanked. */
function ourListLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.includes(NAME) || line.includes('Name') || /^-+$/.test(line))
    .map((line) =>
      line
        .replace(/^ *\d+ +/, ' N ')
        .replace(/-+/, '-')
        .replace(/ {2,}/g, '  '),
    )
    .join('\n');
}

type Wait = 'boot' | 'reboot' | 'shutoff';

/** Each step: a command line (NAME, XML stand for the guest), then what to wait for on each side. */
const STEPS: readonly { command: string; wait?: Wait }[] = [
  { command: 'define XML' },
  { command: 'dominfo NAME' },
  { command: 'start NAME', wait: 'boot' },
  { command: 'list' },
  { command: 'domstate --reason NAME' },
  { command: 'dominfo NAME' },
  { command: 'dumpxml NAME' },
  { command: 'suspend NAME' },
  { command: 'resume NAME' },
  { command: 'reboot --mode acpi NAME', wait: 'reboot' },
  { command: 'shutdown --mode acpi NAME', wait: 'shutoff' },
  { command: 'start NAME', wait: 'boot' },
  { command: 'destroy NAME' },
  { command: 'undefine NAME' },
];

/** Folds runs of `reboot` lines: SeaBIOS on QEMU 7.2 resets 1–3 times per guest reboot. */
function foldedEvents(text: string): string[] {
  const lines = text.split('\n').filter((line) => line.includes(`for domain '${NAME}'`));
  return lines.filter((line, i) => !(line.startsWith("event 'reboot'") && lines[i - 1] === line));
}

describe('real virsh runs the CLI command set on virtkitd qemu:///system as on libvirtd', () => {
  let root: string | undefined;
  let daemon: RunningVirtkitd;
  let sides: readonly Side[];
  const watchers: ResultPromise[] = [];
  const events = new Map<Side, string>();

  beforeAll(async () => {
    const dirs = await tempRoot();
    root = dirs;
    daemon = await startVirtkitd(dirs);
    const uris = [`qemu+unix:///system?socket=${daemon.rwSocket}`, LIBVIRT_URI];
    sides = await Promise.all(
      (['virtkitd', 'libvirtd'] as const).map(async (label, i) => {
        const dir = join(dirs, label);
        await mkdir(dir);
        const guest = await makePowerbuttonGuest(dir, NAME);
        await writeFile(join(dir, `${NAME}.xml`), guest.xml);
        return { label, uri: uris[i] as string, dir, serialLog: guest.serialLog };
      }),
    );
    for (const side of sides) {
      const watcher = execa('virsh', ['-c', side.uri, 'event', '--all', '--loop'], { reject: false });
      events.set(side, '');
      watcher.stdout?.on('data', (chunk: Buffer) => events.set(side, events.get(side) + chunk.toString()));
      watchers.push(watcher);
    }
    // virsh has registered for events once it has connected: give both a moment.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }, 60_000);

  afterAll(async () => {
    for (const watcher of watchers) watcher.kill('SIGTERM');
    await Promise.all(watchers);
    // libvirtd's copy must not outlive a failed test; errors just mean it is gone already.
    await virsh(LIBVIRT_URI, `destroy ${NAME}`);
    await virsh(LIBVIRT_URI, `undefine ${NAME}`);
    await daemon?.stop();
    if (root === undefined) return;
    await killLeftoverQemus(join(root, 'qemu', 'run', 'qemu'));
    await removeRoot(root);
  }, 60_000);

  async function state(side: Side): Promise<string> {
    return (await virsh(side.uri, `domstate --reason ${NAME}`)).stdout.trim();
  }

  /** Waits, per side, for the guest to finish what the step started. */
  async function settle(side: Side, wait: Wait | undefined, bootsBefore: number): Promise<void> {
    if (wait === 'shutoff') {
      await until(
        async () => (await state(side)) === 'shut off (shutdown)',
        `${side.label}: shut off`,
        30_000,
      );
    } else if (wait !== undefined) {
      // A start truncates the serial log (both open it without append); a reboot adds a BOOT.
      const target = wait === 'boot' ? 1 : bootsBefore + 1;
      await until(async () => (await bootCount(side.serialLog)) >= target, `${side.label}: ${wait}`, 30_000);
    }
  }

  it.each(STEPS)('$command', async ({ command, wait }) => {
    const results = await Promise.all(
      sides.map(async (side) => {
        const bootsBefore = await bootCount(side.serialLog);
        const line = command.replaceAll('XML', join(side.dir, `${NAME}.xml`)).replaceAll('NAME', NAME);
        const result = await virsh(side.uri, line);
        await settle(side, wait, bootsBefore);
        const shown = command === 'list' ? ourListLines(result.stdout) : result.stdout;
        return {
          stdout: stable(shown, side),
          stderr: stable(result.stderr, side),
          exitCode: result.exitCode,
          state: await state(side),
        };
      }),
    );
    const [ours, libvirt] = results as [(typeof results)[0], (typeof results)[0]];
    expect(ours.stdout).not.toBe('');
    expect(ours.stdout).toBe(libvirtOnlyRemoved(libvirt.stdout));
    expect(ours.stderr).toBe(libvirt.stderr);
    expect(ours.exitCode).toBe(libvirt.exitCode);
    expect(ours.state).toBe(libvirt.state);
  });

  it('delivers the same events to `virsh event --all --loop`', async () => {
    for (const side of sides) {
      await until(
        async () => (events.get(side) ?? '').includes('Undefined'),
        `${side.label}: undefined event`,
      );
    }
    const [ours, libvirt] = sides.map((side) => foldedEvents(events.get(side) ?? ''));
    expect(ours).toEqual(libvirt);
    // A destroy's SIGTERM makes QEMU report SHUTDOWN (host-signal), passed on before the stop.
    expect(ours).toContain(`event 'lifecycle' for domain '${NAME}': Shutdown Finished after host request`);
  });
});
