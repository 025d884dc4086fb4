import type { Session } from './session.js';

/**
 * virsh's option kinds (vshCmdOptType): `bool` is a flag, `string`/`int` take a value
 * and may also be given positionally, `data` is a required positional value.
 */
export type OptionType = 'bool' | 'string' | 'int' | 'data';

export interface OptionDef {
  readonly name: string;
  readonly type: OptionType;
  readonly help: string;
  /** Must be given (always true for `data`). */
  readonly required?: boolean;
  /** An empty value is accepted (virsh's VSH_OFLAG_EMPTY_OK). */
  readonly emptyOk?: boolean;
}

/** Parsed options of one command: a flag maps to true, a value option to its text. */
export type ParsedOptions = ReadonlyMap<string, string | true>;

export interface CommandDef {
  readonly name: string;
  /** One line for `help`; `desc` is the DESCRIPTION section (omitted when empty). */
  readonly help: string;
  readonly desc: string;
  readonly options: readonly OptionDef[];
  /** Runs without a connection (virsh's VSH_CMD_FLAG_NOCONNECT). */
  readonly noConnect?: boolean;
  /** A read command: also takes virtkit's `--json`. */
  readonly json?: boolean;
  /** Resolves to whether the command succeeded; errors are reported through the session. */
  readonly run: (session: Session, options: CommandOptions) => Promise<boolean>;
}

export interface CommandGroup {
  readonly name: string;
  readonly keyword: string;
  readonly commands: readonly CommandDef[];
}

/** Typed access to a command's parsed options. */
export class CommandOptions {
  readonly #values: ParsedOptions;

  constructor(values: ParsedOptions) {
    this.#values = values;
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  flag(name: string): boolean {
    return this.#values.get(name) === true;
  }

  string(name: string): string | undefined {
    const value = this.#values.get(name);
    return typeof value === 'string' ? value : undefined;
  }
}

/** A boolean option. */
export function flag(name: string, help: string): OptionDef {
  return { name, type: 'bool', help };
}

/** The `<domain>` argument most domain commands take first. */
export function domainArg(help = 'domain name, id or uuid'): OptionDef {
  return { name: 'domain', type: 'data', help, required: true };
}

/** virtkit's extension on read commands: one JSON document instead of virsh's text. */
export const JSON_OPTION: OptionDef = flag('json', 'print one JSON document instead of text (virtkit)');

/** A command's options as the parser and `help` see them. */
export function optionsOf(def: CommandDef): readonly OptionDef[] {
  return def.json ? [...def.options, JSON_OPTION] : def.options;
}
