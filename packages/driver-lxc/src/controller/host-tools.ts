import { constants, realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VirtError } from '@virtkit/core';
import { execa } from 'execa';
import { exists } from '../cgroup/cgroup-io.js';

/** Host programs the setup shell runs, by absolute path: its PATH is the container's. */
export interface HostTools {
  readonly sh: string;
  readonly mount: string;
  readonly umount: string;
  readonly hostname: string;
  readonly setpriv: string;
  readonly unshare: string;
  readonly script: string;
  readonly mkdir: string;
  readonly cp: string;
  readonly cat: string;
  readonly pivotRoot: string;
  /** umount run through the dynamic loader, so it still works after pivot_root hid the host. */
  readonly loader: string;
  readonly libraryDirs: readonly string[];
}

const SEARCH_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];

async function findProgram(name: string): Promise<string> {
  for (const dir of SEARCH_DIRS) {
    const path = `${dir}/${name}`;
    if (await exists(path, constants.X_OK)) return path;
  }
  throw new VirtError('INTERNAL_ERROR', `Cannot find '${name}' in path`, { domain: 'LXC' });
}

/** From `ldd`'s lines (`lib => /path (addr)` and the loader's `/path (addr)`): loader and library dirs, realpath'd. */
export async function loaderOf(program: string): Promise<{ loader: string; libraryDirs: string[] }> {
  const { stdout } = await execa('ldd', [program], { env: { LC_ALL: 'C' } });
  const libs: string[] = [];
  let loader: string | undefined;
  for (const line of stdout.split('\n')) {
    const mapped = /=>\s*(\/\S+)/.exec(line);
    if (mapped?.[1]) libs.push(mapped[1]);
    else {
      const direct = /^\s*(\/\S+)\s*\(/.exec(line);
      if (direct?.[1]) loader = direct[1];
    }
  }
  if (loader === undefined) {
    throw new VirtError('INTERNAL_ERROR', `cannot find the dynamic loader of ${program}`, { domain: 'LXC' });
  }
  const dirs = new Set<string>();
  for (const lib of libs) dirs.add(dirname(await realpath(lib)));
  return { loader: await realpath(loader), libraryDirs: [...dirs] };
}

export async function findHostTools(): Promise<HostTools> {
  const names = ['sh', 'mount', 'umount', 'hostname', 'setpriv', 'unshare', 'script'] as const;
  const more = ['mkdir', 'cp', 'cat', 'pivot_root'] as const;
  const found = await Promise.all([...names, ...more].map(findProgram));
  const [sh, mount, umount, hostname, setpriv, unshare, script, mkdir, cp, cat, pivotRoot] = found as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const umountReal = await realpath(umount);
  const { loader, libraryDirs } = await loaderOf(umountReal);
  return {
    sh,
    mount,
    umount: umountReal,
    hostname,
    setpriv,
    unshare,
    script,
    mkdir,
    cp,
    cat,
    pivotRoot,
    loader,
    libraryDirs,
  };
}

let prepared: Promise<HostTools> | undefined;

/** The host tools, found once per process: a manager's, handed to its spares; a controller started on its own finds them. */
export function prepareHostTools(): Promise<HostTools> {
  prepared ??= findHostTools();
  return prepared;
}

/** Takes the tools a manager found (a spare's assignment). */
export function useHostTools(tools: HostTools): void {
  prepared = Promise.resolve(tools);
}
