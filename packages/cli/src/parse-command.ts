import { type CommandDef, CommandOptions, type OptionDef, optionsOf } from './command-types.js';

export interface ParsedCommand {
  readonly def: CommandDef;
  readonly options: CommandOptions;
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; errors: string[] };

/** Finds a command by name; `help` is how `--help` is rewritten. */
export interface CommandLookup {
  find(name: string): CommandDef | undefined;
}

const HELP_OPTION: OptionDef = { name: 'help', type: 'bool', help: 'print help for this function' };

/**
 * Parses one command's words as vshCommandParse does: the first word names the
 * command; `--opt value`, `--opt=value` and flags may come in any order; other words
 * fill the value options not yet given, in definition order; `--` makes the rest data.
 * `--help` turns the command into `help <command>`.
 */
export function parseCommand(words: readonly string[], commands: CommandLookup): ParseResult {
  const [name = '', ...rest] = words;
  const def = commands.find(name);
  if (!def) return fail(`unknown command: '${name}'`);
  const isHelp = def.name === 'help';
  const defs = optionsOf(def);
  const values = new Map<string, string | true>();
  const pending = defs.filter((option) => option.type !== 'bool');
  let dataOnly = false;

  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as string;
    if (!dataOnly && /^--[A-Za-z0-9]/.test(word)) {
      const eq = word.indexOf('=');
      const optName = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const inline = eq < 0 ? undefined : word.slice(eq + 1);
      const option = optName === 'help' ? HELP_OPTION : defs.find((o) => o.name === optName);
      if (!option) {
        if (isHelp) continue;
        return fail(`command '${def.name}' doesn't support option --${optName}`);
      }
      if (values.has(option.name)) return fail(`option --${option.name} already seen`);
      if (option.type === 'bool') {
        if (inline !== undefined) return fail(`invalid '=' after option --${option.name}`);
        values.set(option.name, true);
        continue;
      }
      const value = inline ?? rest[++i];
      if (value === undefined) {
        return fail(`expected syntax: --${option.name} <${option.type === 'int' ? 'number' : 'string'}>`);
      }
      values.set(option.name, value);
      pending.splice(pending.indexOf(option), 1);
    } else if (!dataOnly && word === '--') {
      dataOnly = true;
    } else {
      const option = pending.shift();
      if (option) values.set(option.name, word);
      else if (!isHelp) return fail(`unexpected data '${word}'`);
    }
  }

  if (values.has('help')) {
    const help = commands.find('help') as CommandDef;
    return {
      ok: true,
      command: { def: help, options: new CommandOptions(new Map([['command', def.name]])) },
    };
  }
  const missing = defs.filter((option) => option.required && !values.has(option.name));
  if (missing.length > 0) {
    return {
      ok: false,
      errors: missing.map((option) =>
        option.type === 'data'
          ? `command '${def.name}' requires <${option.name}> option`
          : `command '${def.name}' requires --${option.name} option`,
      ),
    };
  }
  return { ok: true, command: { def, options: new CommandOptions(values) } };
}

function fail(error: string): ParseResult {
  return { ok: false, errors: [error] };
}
