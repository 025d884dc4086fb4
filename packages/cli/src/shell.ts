import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { optionsOf } from './command-types.js';
import { findCommand, parseCommandString, runBatch } from './execute.js';
import type { Session } from './session.js';

const PROMPT = 'virtkit # ';
const HISTORY_SIZE = 500;

const BANNER = `Welcome to virtkit, the virtualization interactive terminal.

Type:  'help' for help with commands
       'quit' to quit

`;

/** Where the shell keeps its history, like virsh's ~/.cache/virsh/history. */
export function historyPath(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'virtkit', 'history');
}

/** Tab completion: command names for the first word, the command's options after it. */
export function completeLine(session: Session, line: string): [string[], string] {
  const words = line.split(/[ \t]+/);
  const last = words[words.length - 1] ?? '';
  let candidates: string[];
  if (words.length === 1) {
    candidates = session.groups.flatMap((group) => group.commands.map((command) => command.name));
  } else {
    const def = findCommand(session, words[0] ?? '');
    candidates = def && last.startsWith('-') ? optionsOf(def).map((option) => `--${option.name}`) : [];
  }
  return [candidates.filter((candidate) => candidate.startsWith(last)).sort(), last];
}

async function loadHistory(path: string): Promise<string[]> {
  try {
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    return lines.slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

async function saveHistory(path: string, rl: Interface): Promise<void> {
  const history = (rl as Interface & { history?: string[] }).history ?? [];
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${[...history].reverse().join('\n')}\n`);
  } catch {
    // A history that cannot be written is not worth failing the session for, as in virsh.
  }
}

/**
 * virsh's interactive mode: a banner (unless quiet), then `virtkit # ` prompts until
 * `quit`, `exit` or end of input. On a terminal it uses readline with history and
 * completion; on other input it echoes each line after the prompt, as virsh does.
 * Always exits 0 once started, as virsh does.
 */
export async function runShell(session: Session, connectNow: boolean): Promise<number> {
  if (connectNow && !(await session.tryConnect())) return 1;
  session.printExtra(BANNER);
  const input = session.io.stdin ?? process.stdin;
  const terminal =
    input === process.stdin && process.stdin.isTTY === true && session.io.stdout === process.stdout;
  const path = historyPath(session.io.env);
  const rl = createInterface({
    input,
    ...(terminal
      ? {
          output: process.stdout,
          terminal: true,
          history: await loadHistory(path),
          historySize: HISTORY_SIZE,
          completer: (line: string) => completeLine(session, line),
        }
      : { terminal: false }),
  });
  rl.setPrompt(PROMPT);
  // Ctrl-C interrupts a waiting command (event); at the prompt it starts a fresh line.
  rl.on('SIGINT', () => {
    if (session.interrupt()) return;
    rl.write(null, { ctrl: true, name: 'e' });
    rl.write(null, { ctrl: true, name: 'u' });
    session.print('\n');
    rl.prompt();
  });
  const lines = rl[Symbol.asyncIterator]();
  while (!session.quitRequested) {
    if (terminal) rl.prompt();
    else session.print(PROMPT);
    const next = await lines.next();
    if (next.done) break;
    if (!terminal) session.print(`${next.value}\n`);
    const commands = parseCommandString(session, next.value);
    if (commands) await runBatch(session, commands);
  }
  session.print('\n');
  if (terminal) await saveHistory(path, rl);
  rl.close();
  return 0;
}
