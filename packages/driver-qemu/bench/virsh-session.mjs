// libvirt's side of the bench: one long-lived interactive `virsh` fed commands on stdin (so no
// command pays for a process start-up), and one long-lived `virsh event --loop` for its events.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { withTimeout } from './guest.mjs';

export const LIBVIRT_URI = 'qemu:///system';
/** virsh's stdout to a pipe is block-buffered: line buffering lets each reply out as it is printed. */
const LINE_BUFFERED = ['stdbuf', '-oL', 'virsh', '-q', '-c', LIBVIRT_URI];
const PROMPT = 'virsh # ';
const START_LIBVIRTD = new URL('../../../../shared/oracle/start-libvirtd.sh', import.meta.url).pathname;

function virshOk(args) {
  return spawnSync('virsh', ['-c', LIBVIRT_URI, ...args], { encoding: 'utf8' }).status === 0;
}

/**
 * Whether libvirtd answers; when it does not, starts it with the oracle script only where that
 * is allowed (root, or CI). Returns why libvirt is left out, or undefined when it is there.
 */
export function ensureLibvirtd() {
  if (process.env.BENCH_LIBVIRT === 'off') return 'BENCH_LIBVIRT=off';
  if (spawnSync('which', ['virsh']).status !== 0) return 'virsh is not installed';
  if (virshOk(['version'])) return undefined;
  if (process.getuid?.() !== 0 && !process.env.CI) return 'libvirtd is not running (starting it needs root)';
  const started = spawnSync('bash', [START_LIBVIRTD], { encoding: 'utf8' });
  if (started.status !== 0 || !virshOk(['version'])) return `start-libvirtd.sh failed: ${started.stderr}`;
  return undefined;
}

/** libvirtd's resident set, from /proc (its pid from pgrep). */
export function libvirtdRssKiB() {
  const pid = spawnSync('pgrep', ['-x', 'libvirtd'], { encoding: 'utf8' }).stdout.split('\n')[0];
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return Number.NaN;
  }
}

/** Runs a virsh process of its own; resolves with its exit status and error output. */
export function runVirsh(args) {
  return new Promise((resolve) => {
    const child = spawn('virsh', ['-q', '-c', LIBVIRT_URI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr += text;
    });
    child.on('error', (error) => resolve({ code: -1, stderr: error.message }));
    child.on('close', (code) => resolve({ code, stderr: stderr.trim() }));
  });
}

/**
 * Destroys and undefines `name` with a virsh of its own (cleanup must not depend on the
 * session), and removes the log libvirtd keeps of it. libvirtd takes seconds to destroy a
 * guest, so callers remove many at once.
 */
export async function forceRemove(name) {
  await runVirsh(['destroy', name]);
  await runVirsh(['undefine', name]);
  rmSync(`/var/log/libvirt/qemu/${name}.log`, { force: true });
}

/** The interactive virsh: `run()` resolves when the command's output is complete. */
export class VirshSession {
  #child;
  #waiting = new Map();
  #stderr = '';
  #next = 1;

  constructor() {
    const [file, ...args] = LINE_BUFFERED;
    this.#child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.setEncoding('utf8').on('data', (text) => {
      this.#stderr += text;
    });
    // virsh echoes each command after its prompt (`virsh # echo M`) and prints the next prompt
    // right after the output, without a newline: `Mvirsh # ` means the marker's command is done.
    let output = '';
    this.#child.stdout.setEncoding('utf8').on('data', (text) => {
      output += text;
      for (const [marker, waiter] of this.#waiting) {
        const end = output.indexOf(`${marker}${PROMPT}`);
        if (end < 0) continue;
        output = output.slice(end + marker.length);
        waiter();
      }
    });
  }

  /** Issues `command`; a marker echoed after it tells when virsh has finished it. */
  run(command) {
    const marker = `__vkbench_${this.#next++}__`;
    const errorsBefore = this.#stderr.length;
    const done = new Promise((resolve, reject) => {
      this.#waiting.set(marker, () => {
        this.#waiting.delete(marker);
        const errors = this.#stderr.slice(errorsBefore).trim();
        if (errors.includes('error:')) reject(new Error(`virsh ${command}: ${errors}`));
        else resolve();
      });
      this.#child.stdin.write(`${command}\necho ${marker}\n`);
    });
    return withTimeout(done, 60_000, `virsh ${command}`);
  }

  close() {
    this.#child.stdin.end('quit\n');
  }
}

/** `virsh event --loop`: lifecycle events as `{ name, event }`, e.g. `Stopped Shutdown`. */
export class VirshEvents {
  #child;
  #listeners = new Set();

  constructor() {
    const [file, ...args] = LINE_BUFFERED;
    this.#child = spawn(file, [...args, 'event', '--loop', '--event', 'lifecycle'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const match = /event 'lifecycle' for domain '([^']+)': (.*)$/.exec(line);
      if (match) for (const listener of this.#listeners) listener({ name: match[1], event: match[2] });
    });
  }

  /** Resolves at the next event of `name` that starts with `prefix` (e.g. `Stopped`). */
  next(name, prefix) {
    return new Promise((resolve) => {
      const listener = (event) => {
        if (event.name !== name || !event.event.startsWith(prefix)) return;
        this.#listeners.delete(listener);
        resolve(event.event);
      };
      this.#listeners.add(listener);
    });
  }

  close() {
    this.#child.kill('SIGTERM');
  }
}
