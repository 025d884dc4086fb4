import { chmod, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConnection } from '@virtkit/core';
import { runDriverConformance } from '@virtkit/core/testkit';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';
import { driver } from '../src/index.js';
import { killLeftoverControllers, makeBusyboxRootfs } from '../src/testing/index.js';
import { CONTAINER_WAIT, containerXml } from './lxc-fixture.js';

/** One embed root for the suite; every container shares one busybox root (init writes nothing there but /boots). */
const root = mkdtempSync(join(tmpdir(), 'vkl-conf-'));
const rootfs = join(root, 'rootfs');
mkdirSync(rootfs);

beforeAll(async () => {
  await makeBusyboxRootfs(rootfs);
  writeFileSync(
    join(rootfs, 'vk-init'),
    "#!/bin/busybox sh\ntrap 'exit 0' TERM\ntrap '[ $$ = 1 ] && busybox reboot -f' HUP\n: > /ready-$(busybox hostname)\nwhile :; do busybox sleep 1 & wait $!; done\n",
  );
  await new Promise<void>((resolve, reject) =>
    chmod(join(rootfs, 'vk-init'), 0o755, (error) => (error ? reject(error) : resolve())),
  );
});
// A check that fails midway may leave its container running: none outlives its check.
afterEach(() => killLeftoverControllers(join(root, 'run', 'lxc')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const invalidArg = (api: string) => ({
  code: 'INVALID_ARG' as const,
  message: () => `invalid argument: unsupported flags (0x1) in function ${api}`,
});

runDriverConformance({
  name: 'lxc:///embed',
  open: () => openConnection(`lxc:///embed?root=${root}`, { drivers: [driver], env: process.env }),
  sampleDomainXml: (name) => containerXml(name, rootfs),
  // Its traps are set once init has marked itself ready: a signal before that would be dropped.
  guestReady: (dom) =>
    vi.waitFor(() => expect(existsSync(join(rootfs, `ready-${dom.name}`))).toBe(true), CONTAINER_WAIT),
  // libvirt's LXC driver raises no shutdown event before stopped(shutdown) (virLXCProcessMonitorEOFNotify).
  shutdownEvent: false,
  refusals: {
    // lxcDomainCreateWithFiles accepts autodestroy alone.
    'start-paused': invalidArg('lxcDomainCreateWithFiles'),
  },
});
