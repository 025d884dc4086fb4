import type { CommandDef } from './command-types.js';
import { type ParsedCommand, parseCommand } from './parse-command.js';
import type { Session } from './session.js';
import { tokenizeCommandString } from './tokenize.js';

/** Looks a command up by name in the session's groups. */
export function findCommand(session: Session, name: string): CommandDef | undefined {
  for (const group of session.groups) {
    const found = group.commands.find((command) => command.name === name);
    if (found) return found;
  }
  return undefined;
}

/**
 * Parses every command first, as virsh does: one syntax error anywhere prints its
 * message and runs nothing. Returns undefined then.
 */
export function parseBatch(session: Session, batch: readonly (readonly string[])[], tokenError?: string) {
  const lookup = { find: (name: string) => findCommand(session, name) };
  const parsed: ParsedCommand[] = [];
  for (const words of batch) {
    const result = parseCommand(words, lookup);
    if (!result.ok) {
      for (const error of result.errors) session.error(error);
      return undefined;
    }
    parsed.push(result.command);
  }
  if (tokenError !== undefined) {
    session.error(tokenError);
    return undefined;
  }
  return parsed;
}

/** Parses a command string (`'suspend test; domstate test'`) into commands. */
export function parseCommandString(session: Session, text: string): ParsedCommand[] | undefined {
  const { commands, error } = tokenizeCommandString(text);
  return parseBatch(session, commands, error);
}

/**
 * Runs commands like vshCommandRun: each one connects first unless it needs no
 * connection, reports its error when it fails, and is followed by a blank line (or
 * the `-t` timing); the batch goes on after a failure and answers the last command's
 * result. `quit`/`exit` end it at once.
 */
export async function runBatch(session: Session, commands: readonly ParsedCommand[]): Promise<boolean> {
  let ok = true;
  for (const { def, options } of commands) {
    const started = performance.now();
    session.json = options.flag('json');
    try {
      if (!def.noConnect) await session.connection();
      ok = await def.run(session, options);
    } catch (error) {
      session.report(error);
      ok = false;
    }
    if (session.quitRequested) return ok;
    if (session.settings.timing)
      session.print(`\n(Time: ${(performance.now() - started).toFixed(3)} ms)\n\n`);
    else if (!session.json) session.printExtra('\n');
  }
  session.json = false;
  return ok;
}
