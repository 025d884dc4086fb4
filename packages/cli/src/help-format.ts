import { type CommandDef, type CommandGroup, type OptionDef, optionsOf } from './command-types.js';

const SYNOPSIS: Record<OptionDef['type'], (name: string) => string> = {
  bool: (name) => `[--${name}]`,
  string: (name) => `[--${name} <string>]`,
  int: (name) => `[--${name} <number>]`,
  data: (name) => `<${name}>`,
};

const OPTION_LABEL: Record<OptionDef['type'], (name: string) => string> = {
  bool: (name) => `--${name}`,
  string: (name) => `--${name} <string>`,
  int: (name) => `--${name} <number>`,
  data: (name) => `[--${name}] <string>`,
};

/** `help COMMAND`: virsh's NAME / SYNOPSIS / DESCRIPTION / OPTIONS page. */
export function formatCommandHelp(def: CommandDef): string {
  const options = optionsOf(def);
  const synopsis = [def.name, ...options.map((o) => SYNOPSIS[o.type](o.name))].join(' ');
  let text = `  NAME\n    ${def.name} - ${def.help}\n\n  SYNOPSIS\n    ${synopsis}\n`;
  // A long description carries its own line breaks and indentation, as virsh's texts do.
  if (def.desc) text += `\n  DESCRIPTION\n    ${def.desc}\n`;
  if (options.length > 0) {
    text += '\n  OPTIONS\n';
    for (const option of options)
      text += `    ${OPTION_LABEL[option.type](option.name).padEnd(15)}  ${option.help}\n`;
  }
  return `${text}\n`;
}

/** One group's header and command lines; `help GROUP` prints it with a colon after the header. */
export function formatGroup(group: CommandGroup, colon: boolean): string {
  const header = ` ${group.name} (help keyword '${group.keyword}')${colon ? ':' : ''}\n`;
  return header + group.commands.map((c) => `    ${c.name.padEnd(30)} ${c.help}\n`).join('');
}

/** `help` without argument. */
export function formatAllHelp(groups: readonly CommandGroup[]): string {
  return `Grouped commands:\n\n${groups.map((group) => `${formatGroup(group, true)}\n`).join('')}`;
}

/** `-h`: usage, global options, then every group. */
export function formatUsage(program: string, groups: readonly CommandGroup[]): string {
  return `
${program} [options]... [<command_string>]
${program} [options]... <command> [args...]

  options:
    -c | --connect=URI      hypervisor connection URI
    -d | --debug=NUM        debug level [0-4]
    -e | --escape <char>    set escape sequence for console
    -h | --help             this help
    -k | --keepalive-interval=NUM
                            keepalive interval in seconds, 0 for disable
    -K | --keepalive-count=NUM
                            number of possible missed keepalive messages
    -l | --log=FILE         output logging to file
    -q | --quiet            quiet mode
    -r | --readonly         connect readonly
    -t | --timing           print timing information
    -v                      short version
    -V                      long version
         --version[=TYPE]   version, TYPE is short or long (default short)
  commands (non interactive mode):

${groups.map((group) => `${formatGroup(group, false)}\n`).join('')}
  (specify help <group> for details about the commands in the group)

  (specify help <command> for details about the command)

`;
}
