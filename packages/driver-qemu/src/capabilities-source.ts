import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { VirtError } from '@virtkit/core';
import { parseQemuCapsXml, type QemuCaps } from './caps/index.js';
import { probeQemuCaps } from './caps-probe.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The x86 emulator a domain without `<emulator>` runs. */
export const DEFAULT_EMULATOR = 'qemu-system-x86_64';

/** Names a libvirt capabilities cache XML to use instead of probing (tests, other hosts). */
export const CAPS_ENV = 'VIRTKIT_QEMU_CAPS';

/** A bare emulator name found in PATH, as exec would find it. */
export async function resolveEmulator(binary: string, env: Env): Promise<string> {
  if (isAbsolute(binary)) return binary;
  for (const dir of (env.PATH ?? process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new VirtError('INTERNAL_ERROR', `Cannot find '${binary}' in path: No such file or directory`);
}

/** Bumped when the probe learns more, so that older cache entries are probed again. */
const CACHE_FORMAT = 3;

interface CacheEntry {
  format: number;
  binary: string;
  mtimeMs: number;
  caps: Omit<QemuCaps, 'flags'> & { flags: string[] };
}

/**
 * Capabilities of `binary`: from the XML `VIRTKIT_QEMU_CAPS` names, else probed and cached in
 * `cacheDir` until the binary changes (path and mtime, as libvirt's cache keys it).
 */
export async function loadQemuCaps(binary: string, env: Env, cacheDir: string): Promise<QemuCaps> {
  const fromEnv = env[CAPS_ENV];
  if (fromEnv) return { ...parseQemuCapsXml(await readFile(fromEnv, 'utf8')), emulator: binary };
  const { mtimeMs } = await stat(binary);
  const file = join(cacheDir, `${binary.replaceAll('/', '_')}.json`);
  const cached = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as CacheEntry,
    () => undefined,
  );
  if (cached?.format === CACHE_FORMAT && cached.binary === binary && cached.mtimeMs === mtimeMs) {
    return { ...cached.caps, flags: new Set(cached.caps.flags) };
  }
  await mkdir(cacheDir, { recursive: true });
  const caps = await probeQemuCaps(binary, cacheDir);
  const entry: CacheEntry = {
    format: CACHE_FORMAT,
    binary,
    mtimeMs,
    caps: { ...caps, flags: [...caps.flags] },
  };
  await writeAtomically(file, `${JSON.stringify(entry)}\n`);
  return caps;
}

/**
 * Temp file, then rename: a reader never sees half an entry, and two processes probing the same
 * binary at once each replace the entry whole (the last rename wins; both entries are valid).
 */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
