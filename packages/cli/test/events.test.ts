import { beforeAll, describe, expect, it } from 'vitest';
import { onDefault, runCli } from './run-cli.js';

/** Starts `event …` in-process, runs `commands` on another connection, and returns the event run's result. */
async function watch(eventArgs: string, commands: string, options: { signal?: AbortSignal } = {}) {
  const watching = runCli(['-c', 'test:///default', eventArgs], options);
  // Let the watcher connect and subscribe before the other connection acts.
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect((await onDefault(commands)).code).toBe(0);
  return watching;
}

describe('event', () => {
  // Loads core and the driver once, so a watcher subscribes well within the delay above.
  beforeAll(() => onDefault('uri'));

  it('prints lifecycle and reboot events from another connection until the timeout', async () => {
    expect(
      await watch('event --all --loop --timeout 1', 'suspend test; resume test; reboot test; destroy test'),
    ).toEqual({
      code: 0,
      stdout:
        "event 'lifecycle' for domain 'test': Suspended Paused\n" +
        "event 'lifecycle' for domain 'test': Resumed Unpaused\n" +
        "event 'reboot' for domain 'test'\n" +
        "event 'lifecycle' for domain 'test': Stopped Destroyed\n" +
        'event loop timed out\nevents received: 4\n\n',
      stderr: '',
    });
  });

  it('stops after the first event without --loop, filtered by --event', async () => {
    expect(
      (await watch('event test --event lifecycle --timeout 5', 'reboot test; suspend test; resume test'))
        .stdout,
    ).toBe("event 'lifecycle' for domain 'test': Suspended Paused\nevents received: 1\n\n");
  });

  it('prefixes timestamps and prints JSON lines', async () => {
    const timed = await watch('event --all --timestamp --timeout 5', 'suspend test');
    expect(timed.stdout).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+0000: event 'lifecycle' for domain 'test': Suspended Paused\n/,
    );
    const json = await watch('event --all --json --timeout 5', 'suspend test');
    expect(JSON.parse(json.stdout)).toEqual({
      domain: 'test',
      id: 'lifecycle',
      type: 'suspended',
      detail: 'paused',
    });
  });

  it('reports an interrupted wait', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(
      await runCli(['-c', 'test:///default', 'event --all --loop'], { signal: controller.signal }),
    ).toEqual({
      code: 1,
      stdout: 'event loop interrupted\nevents received: 0\n\n',
      stderr: '',
    });
  });

  it('times out with no events and fails, as virsh does', async () => {
    expect(await onDefault('event --all --timeout 1')).toEqual({
      code: 1,
      stdout: 'event loop timed out\nevents received: 0\n\n',
      stderr: '',
    });
  });

  it('lists event names and checks its options', async () => {
    expect((await onDefault('event --list')).stdout).toMatch(/^lifecycle\nreboot\nrtc-change\n/);
    expect((await onDefault('event')).stderr).toBe(
      'error: one of --list, --all, or --event <type> is required\n',
    );
    expect((await onDefault('event --event foo')).stderr).toBe('error: unknown event type foo\n');
    expect((await onDefault('event --all --timeout 0')).stderr).toBe(
      "error: Numeric value '0' for <timeout> option is malformed or out of range\n",
    );
  });
});
