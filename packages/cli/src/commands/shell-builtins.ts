import { type CommandDef, type CommandOptions, flag } from '../command-types.js';
import { findCommand } from '../execute.js';
import { formatAllHelp, formatCommandHelp, formatGroup } from '../help-format.js';
import type { Session } from '../session.js';

async function runHelp(session: Session, options: CommandOptions): Promise<boolean> {
  const name = options.string('command');
  if (name === undefined) {
    session.print(formatAllHelp(session.groups));
    return true;
  }
  const def = findCommand(session, name);
  if (def) {
    session.print(formatCommandHelp(def));
    return true;
  }
  const group = session.groups.find((g) => g.name === name || g.keyword === name);
  if (!group) session.fail(`command or command group '${name}' doesn't exist`);
  session.print(formatGroup(group, true));
  return true;
}

async function runConnect(session: Session, options: CommandOptions): Promise<boolean> {
  // An empty name means the default URI, as virConnectOpen("") does.
  const uri = options.string('name');
  // Reconnecting to the current URI keeps its read-only mode unless --readonly asks for it.
  const readonly = options.flag('readonly') || (uri === undefined && session.settings.readonly);
  await session.reconnect(uri ?? session.settings.uri, readonly);
  return true;
}

const quit = (name: string): CommandDef => ({
  name,
  help: 'quit this interactive terminal',
  desc: '',
  options: [],
  noConnect: true,
  run: async (session) => {
    session.quitRequested = true;
    return true;
  },
});

/** virsh's "Virsh itself" group, as virtkit's own. */
export const SHELL_COMMANDS: readonly CommandDef[] = [
  quit('exit'),
  {
    name: 'help',
    help: 'print help',
    desc: 'Prints global help, command specific help, or help for a\n    group of related commands',
    options: [
      {
        name: 'command',
        type: 'string',
        help: 'Prints global help, command specific help, or help for a group of related commands',
      },
    ],
    noConnect: true,
    run: runHelp,
  },
  quit('quit'),
  {
    name: 'connect',
    help: '(re)connect to hypervisor',
    desc: 'Connect to local hypervisor. This is built-in command after shell start up.',
    options: [
      { name: 'name', type: 'string', help: 'hypervisor connection URI' },
      flag('readonly', 'read-only connection'),
    ],
    noConnect: true,
    run: runConnect,
  },
];
