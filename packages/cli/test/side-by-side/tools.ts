import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';

/** What one run of a tool left behind: compared byte for byte between virsh and virtkit. */
export interface ToolRun {
  exitCode: number;
  /** The signal that ended the run, if one did (a run interrupted too early, say). */
  signal?: string;
  stdout: string;
  stderr: string;
}

/** A program to run with a case's arguments. */
export interface Tool {
  name: 'virsh' | 'virtkit';
  file: string;
  prefix: readonly string[];
}

const CLI_ROOT = fileURLToPath(new URL('../..', import.meta.url));
// What bin/virtkit.js runs: scripts/bundle.mjs writes it after tsc.
const BUNDLE = 'dist/virtkit.cjs';

/** virsh from PATH; its absence fails the suite, since CI must have it. */
export function locateVirsh(): Tool {
  const found = execaSync('which', ['virsh'], { reject: false });
  if (found.exitCode !== 0 || !found.stdout) {
    throw new Error(
      "virsh not found: the side-by-side test needs Debian's libvirt-clients (scripts/setup.sh installs it; CI runs setup.sh)",
    );
  }
  return { name: 'virsh', file: found.stdout.trim(), prefix: [] };
}

/** virtkit's executable, as a user runs it; it needs the package built first. */
export function locateVirtkit(): Tool {
  const bin = `${CLI_ROOT}bin/virtkit.js`;
  if (!existsSync(`${CLI_ROOT}${BUNDLE}`)) {
    throw new Error(
      `packages/cli is not built (${BUNDLE} is missing): run pnpm turbo run build --filter=@virtkit/cli`,
    );
  }
  return { name: 'virtkit', file: process.execPath, prefix: [bin] };
}

export interface RunOptions {
  /** Working directory, also the HOME of the run, so neither tool reads the user's config. */
  cwd: string;
  stdin?: string;
  env?: Readonly<Record<string, string>>;
  /** Send SIGINT (Ctrl-C) after this long, to end a command that waits (`event --loop`). */
  interruptAfterMs?: number;
}

/** Runs a tool in a clean C-locale environment, without LIBVIRT_DEFAULT_URI unless the case sets it. */
export async function runTool(tool: Tool, argv: readonly string[], options: RunOptions): Promise<ToolRun> {
  const subprocess = execa(tool.file, [...tool.prefix, ...argv], {
    cwd: options.cwd,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', HOME: options.cwd, ...options.env },
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    timeout: 20_000,
    ...(options.stdin === undefined ? { stdin: 'ignore' as const } : { input: options.stdin }),
  });
  const interrupt =
    options.interruptAfterMs === undefined
      ? undefined
      : setTimeout(() => subprocess.kill('SIGINT'), options.interruptAfterMs);
  const result = await subprocess;
  clearTimeout(interrupt);
  if (result.timedOut) throw new Error(`${tool.name} ${argv.join(' ')} timed out`);
  return {
    exitCode: result.exitCode ?? -1,
    ...(result.signal === undefined ? {} : { signal: result.signal }),
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}
