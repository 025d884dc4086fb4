import type { CommandDef, CommandOptions } from '../command-types.js';
import { flag } from '../command-types.js';
import type { Session } from '../session.js';
import { formatVersionNumber, VIRTKIT_VERSION } from '../version.js';

async function runNodeinfo(session: Session): Promise<boolean> {
  const connection = await session.connection();
  const info = await session.attempt('failed to get node information', () => connection.getNodeInfo());
  const fields = {
    cpuModel: info.model,
    cpus: info.cpus,
    mhz: info.mhz,
    sockets: info.sockets,
    coresPerSocket: info.cores,
    threadsPerCore: info.threads,
    numaCells: info.nodes,
    memoryKiB: info.memoryKiB,
  };
  const lines: [string, string][] = [
    ['CPU model:', info.model],
    ['CPU(s):', String(info.cpus)],
    ['CPU frequency:', `${info.mhz} MHz`],
    ['CPU socket(s):', String(info.sockets)],
    ['Core(s) per socket:', String(info.cores)],
    ['Thread(s) per core:', String(info.threads)],
    ['NUMA cell(s):', String(info.nodes)],
    ['Memory size:', `${info.memoryKiB} KiB`],
  ];
  session.output(fields, () => lines.map(([label, value]) => `${label.padEnd(20)} ${value}\n`).join(''));
  return true;
}

/**
 * A command printing one string the connection answers, as virsh prints it ("%s\n"); with a
 * `jsonKey`, `--json` prints `{ [jsonKey]: value }` instead (an XML document has none).
 */
function stringCommand(
  def: Pick<CommandDef, 'name' | 'help' | 'desc' | 'options'>,
  failure: string,
  query: (s: Session, o: CommandOptions) => Promise<string>,
  jsonKey?: string,
): CommandDef {
  return {
    ...def,
    ...(jsonKey !== undefined && { json: true }),
    run: async (session, parsed) => {
      const value = await session.attempt(failure, () => query(session, parsed));
      const text = `${value}\n`;
      if (jsonKey === undefined) session.print(text);
      else session.output({ [jsonKey]: value }, () => text);
      return true;
    },
  };
}

/** virsh domcapabilities' selectors, each a string option named as virConnectGetDomainCapabilities' argument. */
const DOMCAPS_OPTIONS = [
  ['virttype', 'virtType', 'virtualization type (/domain/@type)'],
  ['emulatorbin', 'emulatorBin', 'path to emulator binary (/domain/devices/emulator)'],
  ['arch', 'arch', 'domain architecture (/domain/os/type/@arch)'],
  ['machine', 'machine', 'machine type (/domain/os/type/@machine)'],
] as const;

async function runVersion(session: Session, options: CommandOptions): Promise<boolean> {
  const connection = await session.connection();
  const type = await session.attempt('failed to get hypervisor type', () => connection.getType());
  // virsh prints the library lines before it asks for the hypervisor's version.
  const library = [
    `Compiled against library: virtkit ${VIRTKIT_VERSION}\n`,
    `Using library: virtkit ${VIRTKIT_VERSION}\n`,
    `Using API: ${type} ${VIRTKIT_VERSION}\n`,
  ];
  if (!session.json) session.print(library.join(''));
  const hypervisor = await session.attempt('failed to get the hypervisor version', () =>
    connection.getVersion(),
  );
  // libvirt answers with its own version when the driver does not say.
  const daemon = !options.flag('daemon')
    ? undefined
    : connection.supports('getLibVersion')
      ? formatVersionNumber(await connection.getLibVersion())
      : VIRTKIT_VERSION;
  if (session.json) {
    session.printJson({
      library: VIRTKIT_VERSION,
      api: { type, version: VIRTKIT_VERSION },
      hypervisor: { type, version: hypervisor === 0 ? null : formatVersionNumber(hypervisor) },
      ...(daemon === undefined ? {} : { daemon }),
    });
    return true;
  }
  session.print(
    hypervisor === 0
      ? `Cannot extract running ${type} hypervisor version\n`
      : `Running hypervisor: ${type} ${formatVersionNumber(hypervisor)}\n`,
  );
  if (daemon !== undefined) session.print(`Running against daemon: ${daemon}\n`);
  return true;
}

/** virsh's "Host and Hypervisor" group (tools/virsh-host.c), as far as virtkit has it. */
export const HOST_COMMANDS: readonly CommandDef[] = [
  stringCommand(
    {
      name: 'capabilities',
      help: 'capabilities',
      desc: 'Returns capabilities of hypervisor/driver.',
      options: [],
    },
    'failed to get capabilities',
    async (session) => (await session.connection()).getCapabilities(),
  ),
  stringCommand(
    {
      name: 'domcapabilities',
      help: 'domain capabilities',
      desc: 'Returns capabilities of emulator with respect to host and libvirt.',
      options: DOMCAPS_OPTIONS.map(([name, , help]) => ({ name, type: 'string' as const, help })),
    },
    'failed to get emulator capabilities',
    async (session, options) => {
      const selectors = DOMCAPS_OPTIONS.flatMap(([name, key]) => {
        const value = options.string(name);
        return value === undefined ? [] : [[key, value]];
      });
      return (await session.connection()).getDomainCapabilities(Object.fromEntries(selectors));
    },
  ),
  stringCommand(
    { name: 'hostname', help: 'print the hypervisor hostname', desc: '', options: [] },
    'failed to get hostname',
    async (session) => (await session.connection()).getHostname(),
    'hostname',
  ),
  {
    name: 'nodeinfo',
    help: 'node information',
    desc: 'Returns basic information about the node.',
    options: [],
    json: true,
    run: runNodeinfo,
  },
  stringCommand(
    { name: 'uri', help: 'print the hypervisor canonical URI', desc: '', options: [] },
    'failed to get URI',
    async (session) => (await session.connection()).getUri(),
    'uri',
  ),
  {
    name: 'version',
    help: 'show version',
    desc: 'Display the system version information.',
    options: [flag('daemon', 'report daemon version too')],
    json: true,
    run: runVersion,
  },
];
