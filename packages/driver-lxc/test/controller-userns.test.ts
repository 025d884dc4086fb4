import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '@virtkit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RUN_FILES } from '../src/controller/index.js';
import { killLeftoverControllers, lxcDomainXml, makeBusyboxRootfs } from '../src/testing/index.js';
import {
  ConsoleClient,
  MonitorClient,
  requireBuiltController,
  startController,
  waitFor,
} from './controller-harness.js';

const isRoot = process.getuid?.() === 0;
let base = '';
const clients: { close(): void }[] = [];

describe.skipIf(!isRoot)('a container with <idmap>', () => {
  beforeAll(async () => {
    requireBuiltController();
    base = await mkdtemp(join(tmpdir(), 'vk-h2u-'));
    // The mapped root is an unprivileged user on the host: it must be able to reach the rootfs.
    await chmod(base, 0o755);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await killLeftoverControllers(base);
  });
  afterAll(async () => {
    await killLeftoverControllers(base);
    await rm(base, { recursive: true, force: true });
  });

  it('runs init as the namespace root, mapped to the target ids on the host', async () => {
    const idmap = { start: 0, target: 200000, count: 65536 };
    const rootfs = await makeBusyboxRootfs(join(base, 'rootfs'), { owner: { uid: 200000, gid: 200000 } });
    const runDir = join(base, 'run');
    const name = `vkh2u-${process.pid}`;
    const controllerPid = await startController(runDir, lxcDomainXml({ name, rootfs, idmap }));
    const monitor = await MonitorClient.connect(runDir);
    clients.push(monitor);
    const console = await ConsoleClient.open(runDir);
    clients.push(console);
    const running = await monitor.next('running');
    await console.run(':');
    expect((await console.run('echo $$')).trim()).toBe('1');
    expect((await console.run('id -u; id -g')).trim().split(/\s+/)).toEqual(['0', '0']);
    expect((await console.run('cat /proc/self/uid_map')).trim().split(/\s+/)).toEqual([
      '0',
      '200000',
      '65536',
    ]);
    expect((await console.run('hostname')).trim()).toBe(name);
    const status = await import('node:fs/promises').then((fs) =>
      fs.readFile(`/proc/${running.initPid}/status`, 'utf8'),
    );
    expect(status).toMatch(/^Uid:\s+200000\s+200000\s+200000\s+200000$/m);
    process.kill(running.initPid, 'SIGTERM');
    expect(await monitor.next('exit')).toEqual({ event: 'exit', reason: 'shutdown' });
    await waitFor('controller exit', async () => ((await isProcessAlive(controllerPid)) ? undefined : true));
    expect(await readdir(runDir)).toEqual([RUN_FILES.def]);
  }, 60_000);
});
