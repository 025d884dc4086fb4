import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVirtkitd, removeRoot, startVirtkitd, tempRoot } from './virtkitd-harness.js';

/** Runs one virsh command line (commands separated by `;`) against `uri`. */
function virsh(uri: string, commands: string) {
  return execa('virsh', ['-c', uri, commands], { reject: false, timeout: 30_000 });
}

/** What may differ between two runs of the same commands: CPU time ticks, fresh random UUIDs. */
function stable(text: string): string {
  return text.replace(/^(CPU time:\s+)\S+/gm, '$1N').replace(/^(UUID:\s+)\S+/gm, '$1U');
}

const DEMO_XML = `<domain type='test'>
  <name>demo</name>
  <memory unit='KiB'>1048576</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
`;

describe('real virsh against virtkitd', () => {
  let root: string;
  let daemon: RunningVirtkitd;
  let demoFile: string;

  beforeAll(async () => {
    root = await tempRoot();
    demoFile = join(root, 'demo.xml');
    await writeFile(demoFile, DEMO_XML);
    daemon = await startVirtkitd(root);
  });

  afterAll(async () => {
    await daemon?.stop();
    await removeRoot(root);
  });

  // One virsh session each, so both sides start from a fresh test:///default node.
  const SESSIONS: readonly (readonly [string, string])[] = [
    ['queries', 'list --all; dominfo test; domstate --reason test; dumpxml test; dumpxml --inactive test'],
    [
      'lifecycle',
      'suspend test; domstate --reason test; resume test; domstate --reason test; destroy test; ' +
        'domstate --reason test; list --all; start test; domstate --reason test; dominfo test; ' +
        'reboot test; reset test; shutdown test; domstate --reason test',
    ],
    [
      'define and undefine',
      'define DEMO; list --all; dominfo demo; start --paused demo; domstate --reason demo; ' +
        'autostart demo; dominfo demo; destroy demo; undefine demo; list --all',
    ],
    ['transient', 'create DEMO; list --all; domstate --reason demo; destroy demo; list --all'],
    [
      'host',
      'hostname; version; nodeinfo; vcpucount test; domid test; domuuid test; domname 1; maxvcpus; domhostname test; domcapabilities',
    ],
    ['errors', 'dominfo nosuch; start test; resume test; undefine nosuch; nodememstats'],
  ];

  it.each(SESSIONS)('prints what libvirt prints: %s', async (_name, commands) => {
    const line = commands.replaceAll('DEMO', demoFile);
    const [ours, libvirt] = await Promise.all([
      virsh(daemon.testUri(), line),
      virsh('test:///default', line),
    ]);
    expect(ours.stdout).not.toBe('');
    expect(stable(ours.stdout)).toBe(stable(libvirt.stdout));
    expect(ours.stderr).toBe(libvirt.stderr);
    expect(ours.exitCode).toBe(libvirt.exitCode);
  });

  it('refuses changes on the read-only socket with libvirt error, but answers queries', async () => {
    const destroy = await virsh(daemon.testUri(true), 'destroy test');
    expect(destroy.exitCode).toBe(1);
    expect(destroy.stderr).toContain(
      'error: operation forbidden: read only access prevents virDomainDestroy',
    );
    const state = await virsh(daemon.testUri(true), 'domstate --reason test');
    // libvirt's default test node has its guest running for an unknown reason.
    expect(state.stdout.trim()).toBe('running (unknown)');
  });

  it('refuses a URI no driver serves, as libvirtd', async () => {
    const result = await virsh(`foo+unix:///default?socket=${daemon.rwSocket}`, 'list');
    expect(result.stderr).toContain('error: no connection driver available for foo:///default');
  });

  it("delivers the daemon's events to `virsh event --all --loop`", async () => {
    const watcher = execa('virsh', ['-c', daemon.testUri(), 'event', '--all', '--loop'], { reject: false });
    try {
      let seen = '';
      watcher.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
      });
      // The watcher has registered once it has connected; give it a moment, then act.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const acted = await virsh(daemon.testUri(), 'suspend test; resume test');
      expect(acted.exitCode).toBe(0);
      const deadline = Date.now() + 5000;
      while (!seen.includes('Resumed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seen).toBe(
        "event 'lifecycle' for domain 'test': Suspended Paused\n" +
          "event 'lifecycle' for domain 'test': Resumed Unpaused\n",
      );
    } finally {
      watcher.kill('SIGTERM');
      await watcher;
    }
  });
});
