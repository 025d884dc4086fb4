import { Readable } from 'node:stream';
import { runVirtkit } from '../src/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs virtkit in-process with captured streams (and `lines` as the shell's input). */
export async function runCli(
  argv: readonly string[],
  options: { lines?: readonly string[]; env?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runVirtkit(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from((options.lines ?? []).map((line) => `${line}\n`)),
    env: options.env ?? {},
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr };
}

/** `virtkit -c test:///default COMMAND_STRING`. */
export function onDefault(commands: string, ...globals: string[]): Promise<CliResult> {
  return runCli([...globals, '-c', 'test:///default', commands]);
}
