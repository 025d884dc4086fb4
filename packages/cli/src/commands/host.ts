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

/** A command printing one string the connection answers. */
function oneValue(
  name: string,
  help: string,
  key: string,
  failure: string,
  query: (s: Session) => Promise<string>,
): CommandDef {
  return {
    name,
    help,
    desc: '',
    options: [],
    json: true,
    run: async (session) => {
      const value = await session.attempt(failure, () => query(session));
      session.output({ [key]: value }, () => `${value}\n`);
      return true;
    },
  };
}

/** A command printing an XML document the connection answers, as virsh prints it ("%s\n"). */
function xmlDocument(
  name: string,
  help: string,
  desc: string,
  options: CommandDef['options'],
  query: (s: Session, o: CommandOptions) => Promise<string>,
  failure: string,
): CommandDef {
  return {
    name,
    help,
    desc,
    options,
    run: async (session, parsed) => {
      const xml = await session.attempt(failure, () => query(session, parsed));
      session.print(`${xml}\n`);
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
  xmlDocument(
    'capabilities',
    'capabilities',
    'Returns capabilities of hypervisor/driver.',
    [],
    async (session) => (await session.connection()).getCapabilities(),
    'failed to get capabilities',
  ),
  xmlDocument(
    'domcapabilities',
    'domain capabilities',
    'Returns capabilities of emulator with respect to host and libvirt.',
    DOMCAPS_OPTIONS.map(([name, , help]) => ({ name, type: 'string' as const, help })),
    async (session, options) => {
      const selectors = DOMCAPS_OPTIONS.flatMap(([name, key]) => {
        const value = options.string(name);
        return value === undefined ? [] : [[key, value]];
      });
      return (await session.connection()).getDomainCapabilities(Object.fromEntries(selectors));
    },
    'failed to get emulator capabilities',
  ),
  oneValue(
    'hostname',
    'print the hypervisor hostname',
    'hostname',
    'failed to get hostname',
    async (session) => (await session.connection()).getHostname(),
  ),
  {
    name: 'nodeinfo',
    help: 'node information',
    desc: 'Returns basic information about the node.',
    options: [],
    json: true,
    run: runNodeinfo,
  },
  oneValue('uri', 'print the hypervisor canonical URI', 'uri', 'failed to get URI', async (session) =>
    (await session.connection()).getUri(),
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
