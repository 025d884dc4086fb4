import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, test } from 'vitest';
import { loadQemuCaps } from '../src/capabilities-source.js';
import { parseQemuCapsXml } from '../src/caps/index.js';
import { probeQemuCaps } from '../src/caps-probe.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const LIBVIRT_7_2_CAPS =
  '/work/shared/libvirt-testdata/qemu-xml2argv/qemucapabilitiesdata/caps_7.2.0_x86_64+hvf.xml';
const run = promisify(execFile);

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vk-caps-'));
  dirs.push(dir);
  return dir;
}

/** The cache file of `binary` in `dir` (one JSON file per binary). */
async function cacheEntry(dir: string): Promise<{ path: string; text: string }> {
  const [name] = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  const path = join(dir, name ?? 'missing');
  return { path, text: await readFile(path, 'utf8') };
}

test('probing the installed QEMU gives its version, machines, CPU models and libvirt flags', async () => {
  const caps = await probeQemuCaps(QEMU, await tempDir());
  const { stdout } = await run(QEMU, ['--version']);
  const [major = 0, minor = 0, micro = 0] = (/version (\d+)\.(\d+)\.(\d+)/.exec(stdout) ?? [])
    .slice(1)
    .map(Number);
  expect(caps.version).toBe(major * 1_000_000 + minor * 1_000 + micro);
  expect(caps.arch).toBe('x86_64');
  const pc = caps.machines.find((m) => m.accel === 'tcg' && m.alias === 'pc');
  expect(pc).toMatchObject({ isDefault: true, maxCpus: 255 });
  expect(caps.machines.some((m) => m.name === 'none')).toBe(false);
  expect(caps.cpuModels.find((m) => m.accel === 'tcg' && m.name === 'qemu64')).toMatchObject({
    usable: true,
  });
  for (const flag of [
    'tcg',
    'virtio-scsi-pci',
    'query-cpu-definitions',
    'device.json+hotplug',
    'netdev.stream',
  ]) {
    expect(caps.flags.has(flag), flag).toBe(true);
  }
  // Against libvirt's own probe of a QEMU 7.2 (a macOS build: hvf instead of kvm).
  if (major === 7 && minor === 2) {
    const libvirt = parseQemuCapsXml(await readFile(LIBVIRT_7_2_CAPS, 'utf8')).flags;
    const missing = [...libvirt].filter((f) => !caps.flags.has(f));
    const extra = [...caps.flags].filter((f) => !libvirt.has(f) && f !== 'kvm');
    console.log(
      `flags: ${caps.flags.size} derived, ${libvirt.size} in libvirt's 7.2 caps; missing ${missing}; extra ${extra}`,
    );
    expect(missing.filter((f) => f !== 'hvf' && f !== 'cryptodev-backend-lkcf')).toEqual([]);
    expect(extra).toEqual([]);
  }
}, 120_000);

test('capabilities are cached by binary path and mtime, and probed again when the binary changes', async () => {
  const dir = await tempDir();
  // A wrapper of our own, whose mtime the test may change (a copy of QEMU would not find its modules).
  const binary = join(dir, 'qemu-system-x86_64');
  await writeFile(binary, `#!/bin/sh\nexec ${QEMU} "$@"\n`);
  await chmod(binary, 0o755);
  const cacheDir = join(dir, 'cache');
  const first = await loadQemuCaps(binary, {}, cacheDir);
  expect(first.emulator).toBe(binary);

  // A marked entry that is still served proves the second load read the cache, not QEMU.
  const entry = await cacheEntry(cacheDir);
  const marked = JSON.parse(entry.text) as { caps: { version: number } };
  marked.caps.version = 1;
  await writeFile(entry.path, JSON.stringify(marked));
  expect((await loadQemuCaps(binary, {}, cacheDir)).version).toBe(1);

  const later = new Date((await stat(binary)).mtimeMs + 5_000);
  await utimes(binary, later, later);
  expect((await loadQemuCaps(binary, {}, cacheDir)).version).toBe(first.version);
}, 120_000);

test('two processes probing the same binary at once leave one whole cache entry', async () => {
  const dir = await tempDir();
  const cacheDir = join(dir, 'cache');
  const source = new URL('../dist/capabilities-source.js', import.meta.url).href;
  const script = `const { loadQemuCaps } = await import(${JSON.stringify(source)});
const caps = await loadQemuCaps(${JSON.stringify(QEMU)}, {}, ${JSON.stringify(cacheDir)});
process.stdout.write(String(caps.version));`;
  const child = () => run(process.execPath, ['--input-type=module', '-e', script]);
  const [a, b] = await Promise.all([child(), child()]);
  expect(a.stdout).toBe(b.stdout);
  expect((await readdir(cacheDir)).filter((f) => !f.endsWith('.json'))).toEqual([]);
  const entry = await cacheEntry(cacheDir);
  expect(JSON.parse(entry.text)).toMatchObject({ binary: QEMU, caps: { version: Number(a.stdout) } });
  expect((await loadQemuCaps(QEMU, {}, cacheDir)).version).toBe(Number(a.stdout));
}, 120_000);

/** Pids of the processes whose command line mentions `text`. */
async function pidsMentioning(text: string): Promise<string[]> {
  const { stdout } = await run('pgrep', ['-f', text]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean);
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

test('a prober killed mid-probe leaves no QEMU behind', async () => {
  const dir = await tempDir();
  const source = new URL('../dist/caps-probe.js', import.meta.url).href;
  const script = `const { probeQemuCaps } = await import(${JSON.stringify(source)});
await probeQemuCaps(${JSON.stringify(QEMU)}, ${JSON.stringify(dir)});`;
  const prober = execFile(process.execPath, ['--input-type=module', '-e', script]);
  try {
    expect(await until(async () => (await pidsMentioning(`${dir}/probe-`)).length > 0, 20_000)).toBe(true);
  } finally {
    prober.kill('SIGKILL');
  }
  expect(await until(async () => (await pidsMentioning(`${dir}/probe-`)).length === 0, 10_000)).toBe(true);
}, 60_000);
