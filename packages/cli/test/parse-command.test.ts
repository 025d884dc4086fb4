import { describe, expect, it } from 'vitest';
import { type CommandDef, domainArg, flag } from '../src/command-types.js';
import { parseCommand } from '../src/parse-command.js';

const run = async () => true;
const DEFS: CommandDef[] = [
  {
    name: 'shutdown',
    help: '',
    desc: '',
    options: [domainArg(), { name: 'mode', type: 'string', help: '' }, flag('force', '')],
    run,
  },
  { name: 'help', help: '', desc: '', options: [{ name: 'command', type: 'string', help: '' }], run },
  {
    name: 'count',
    help: '',
    desc: '',
    options: [{ name: 'timeout', type: 'int', help: '' }],
    json: true,
    run,
  },
];
const lookup = { find: (name: string) => DEFS.find((def) => def.name === name) };

function parsed(words: string[]) {
  const result = parseCommand(words, lookup);
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.command;
}

function errors(words: string[]) {
  const result = parseCommand(words, lookup);
  return result.ok ? [] : result.errors;
}

describe('parseCommand', () => {
  it('fills value options positionally in definition order', () => {
    const { options } = parsed(['shutdown', 'test', 'acpi', '--force']);
    expect([options.string('domain'), options.string('mode'), options.flag('force')]).toEqual([
      'test',
      'acpi',
      true,
    ]);
  });

  it('takes --opt value and --opt=value, and skips named options when filling positions', () => {
    const { options } = parsed(['shutdown', '--mode=agent', 'test']);
    expect([options.string('domain'), options.string('mode')]).toEqual(['test', 'agent']);
    expect(parsed(['shutdown', '--domain', 'x']).options.string('domain')).toBe('x');
  });

  it('treats everything after -- as data', () => {
    expect(parsed(['shutdown', '--', '--force']).options.string('domain')).toBe('--force');
  });

  it("reports virsh's syntax errors", () => {
    expect(errors(['nosuch'])).toEqual(["unknown command: 'nosuch'"]);
    expect(errors(['shutdown', '--foo'])).toEqual(["command 'shutdown' doesn't support option --foo"]);
    expect(errors(['shutdown'])).toEqual(["command 'shutdown' requires <domain> option"]);
    expect(errors(['shutdown', 'a', 'b', 'c'])).toEqual(["unexpected data 'c'"]);
    expect(errors(['shutdown', '--domain'])).toEqual(['expected syntax: --domain <string>']);
    expect(errors(['count', '--timeout'])).toEqual(['expected syntax: --timeout <number>']);
    expect(errors(['shutdown', 'a', '--force', '--force'])).toEqual(['option --force already seen']);
    expect(errors(['shutdown', 'a', '--force=yes'])).toEqual(["invalid '=' after option --force"]);
  });

  it('rewrites --help into help for the command, before checking required options', () => {
    const { def, options } = parsed(['shutdown', '--help']);
    expect([def.name, options.string('command')]).toEqual(['help', 'shutdown']);
  });

  it('lets help ignore unknown options and extra words, as virsh does', () => {
    expect(parsed(['help', '--bogus', 'shutdown', 'extra']).options.string('command')).toBe('shutdown');
  });

  it('accepts --json only on read commands', () => {
    expect(parsed(['count', '--json']).options.flag('json')).toBe(true);
    expect(errors(['shutdown', 'a', '--json'])).toEqual(["command 'shutdown' doesn't support option --json"]);
  });
});
