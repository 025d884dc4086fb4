import type { Domain, ShutdownMode, VcpuCountOptions } from '@virtkit/core';
import { type CommandDef, type CommandOptions, domainArg, flag, type OptionDef } from '../command-types.js';
import type { LookupBy, Session } from '../session.js';
import { readXmlFile } from './read-xml-file.js';

const fileArg: OptionDef = {
  name: 'file',
  type: 'data',
  required: true,
  help: 'file containing an XML domain description',
};
const modeOption: OptionDef = {
  name: 'mode',
  type: 'string',
  help: 'shutdown mode: acpi|agent|initctl|signal|paravirt',
};
const MODES: readonly ShutdownMode[] = ['acpi', 'agent', 'initctl', 'signal', 'paravirt'];

/** `--mode acpi,agent`: checked before the domain is looked up, as virsh does. */
function parseModes(session: Session, options: CommandOptions): ShutdownMode[] {
  if (!options.has('mode')) return [];
  return session
    .requireString(options, 'mode')
    .split(',')
    .map((mode) => {
      if (!(MODES as readonly string[]).includes(mode)) {
        session.fail(
          `Unknown mode ${mode} value, expecting 'acpi', 'agent', 'initctl', 'signal', or 'paravirt'`,
        );
      }
      return mode as ShutdownMode;
    });
}

/** A command that looks a domain up, acts on it and says so: virsh's simple lifecycle commands. */
interface DomainAction {
  name: string;
  help: string;
  desc: string;
  options?: OptionDef[];
  /** Prepares the call from the options before the lookup (so option errors come first). */
  act: (session: Session, options: CommandOptions) => (domain: Domain) => Promise<unknown>;
  /** virsh's own refusal before it calls libvirt, if any. */
  refuse?: (domain: Domain) => string | undefined;
  done: (name: string, options: CommandOptions) => string;
  failed: (name: string, options: CommandOptions) => string;
  by?: LookupBy;
  /** The `<domain>` argument's help, when not virsh's usual one. */
  argHelp?: string;
}

function domainAction(action: DomainAction): CommandDef {
  return {
    name: action.name,
    help: action.help,
    desc: action.desc,
    options: [domainArg(action.argHelp), ...(action.options ?? [])],
    run: async (session, options) => {
      const call = action.act(session, options);
      const domain = await session.lookupDomain(options, action.by);
      const refusal = action.refuse?.(domain);
      if (refusal) session.fail(refusal);
      await session.attempt(action.failed(domain.name, options), () => call(domain));
      session.printExtra(action.done(domain.name, options));
      return true;
    },
  };
}

const LIFECYCLE: readonly DomainAction[] = [
  {
    name: 'autostart',
    help: 'autostart a domain',
    desc: 'Configure a domain to be automatically started at boot.',
    options: [flag('disable', 'disable autostarting')],
    act: (_, options) => (domain) => domain.setAutostart(!options.flag('disable')),
    done: (name, options) =>
      `Domain '${name}' ${options.flag('disable') ? 'unmarked' : 'marked'} as autostarted\n`,
    failed: (name, options) =>
      `Failed to ${options.flag('disable') ? 'unmark' : 'mark'} domain '${name}' as autostarted`,
  },
  {
    name: 'destroy',
    help: 'destroy (stop) a domain',
    desc: 'Forcefully stop a given domain, but leave its resources intact.',
    options: [flag('graceful', 'terminate gracefully'), flag('remove-logs', 'remove domain logs')],
    act: (_, options) => (domain) => domain.destroy({ graceful: options.flag('graceful') }),
    done: (name) => `Domain '${name}' destroyed\n`,
    failed: (name) => `Failed to destroy domain '${name}'`,
  },
  {
    name: 'reboot',
    help: 'reboot a domain',
    desc: 'Run a reboot command in the target domain.',
    options: [modeOption],
    act: (session, options) => {
      const modes = parseModes(session, options);
      return (domain) => domain.reboot({ modes });
    },
    done: (name) => `Domain '${name}' is being rebooted\n`,
    failed: (name) => `Failed to reboot domain '${name}'`,
  },
  {
    name: 'reset',
    help: 'reset a domain',
    desc: 'Reset the target domain as if by power button',
    act: () => (domain) => domain.reset(),
    done: (name) => `Domain '${name}' was reset\n`,
    failed: (name) => `Failed to reset domain '${name}'`,
  },
  {
    name: 'resume',
    help: 'resume a domain',
    desc: 'Resume a previously suspended domain.',
    act: () => (domain) => domain.resume(),
    done: (name) => `Domain '${name}' resumed\n`,
    failed: (name) => `Failed to resume domain '${name}'`,
  },
  {
    name: 'shutdown',
    help: 'gracefully shutdown a domain',
    desc: 'Run shutdown in the target domain.',
    options: [modeOption],
    act: (session, options) => {
      const modes = parseModes(session, options);
      return (domain) => domain.shutdown({ modes });
    },
    done: (name) => `Domain '${name}' is being shutdown\n`,
    failed: (name) => `Failed to shutdown domain '${name}'`,
  },
  {
    name: 'start',
    help: 'start a (previously defined) inactive domain',
    desc: 'Start a domain, either from the last managedsave\n    state, or via a fresh boot if no managedsave state\n    is present.',
    options: [
      flag('paused', 'leave the guest paused after creation'),
      flag('autodestroy', 'automatically destroy the guest when virtkit disconnects'),
      flag('bypass-cache', 'avoid file system cache when loading'),
      flag('force-boot', 'force fresh boot by discarding any managed save'),
      flag('reset-nvram', 're-initialize NVRAM from its pristine template'),
    ],
    act: (_, options) => (domain) =>
      domain.create({
        paused: options.flag('paused'),
        autodestroy: options.flag('autodestroy'),
        bypassCache: options.flag('bypass-cache'),
        forceBoot: options.flag('force-boot'),
        resetNvram: options.flag('reset-nvram'),
      }),
    refuse: (domain) => (domain.id >= 0 ? 'Domain is already active' : undefined),
    done: (name) => `Domain '${name}' started\n`,
    failed: (name) => `Failed to start domain '${name}'`,
    by: { name: true, uuid: true },
    argHelp: 'name of the inactive domain',
  },
  {
    name: 'suspend',
    help: 'suspend a domain',
    desc: 'Suspend a running domain.',
    act: () => (domain) => domain.suspend(),
    done: (name) => `Domain '${name}' suspended\n`,
    failed: (name) => `Failed to suspend domain '${name}'`,
  },
  {
    name: 'undefine',
    help: 'undefine a domain',
    desc: 'Undefine an inactive domain, or convert persistent to transient.',
    options: [
      flag('managed-save', 'remove domain managed state file'),
      flag('snapshots-metadata', 'remove all domain snapshot metadata (vm must be inactive)'),
      flag('checkpoints-metadata', 'remove all domain checkpoint metadata (vm must be inactive)'),
      flag('nvram', 'remove nvram file'),
      flag('keep-nvram', 'keep nvram file'),
      flag('tpm', 'remove TPM state'),
      flag('keep-tpm', 'keep TPM state'),
    ],
    act: (_, options) => (domain) =>
      domain.undefine({
        managedSave: options.flag('managed-save'),
        snapshotsMetadata: options.flag('snapshots-metadata'),
        checkpointsMetadata: options.flag('checkpoints-metadata'),
        nvram: options.flag('nvram'),
        keepNvram: options.flag('keep-nvram'),
        tpm: options.flag('tpm'),
        keepTpm: options.flag('keep-tpm'),
      }),
    done: (name) => `Domain '${name}' has been undefined\n`,
    failed: (name) => `Failed to undefine domain '${name}'`,
  },
];

/** `define FILE` / `create FILE`: read the XML, hand it to the connection, name the result. */
function fromFile(
  name: 'create' | 'define',
  help: string,
  desc: string,
  extra: OptionDef[],
  submit: (session: Session, xml: string, options: CommandOptions) => Promise<Domain>,
): CommandDef {
  const past = name === 'create' ? 'created' : 'defined';
  return {
    name,
    help,
    desc,
    options: [fileArg, ...extra],
    run: async (session, options) => {
      const path = session.requireString(options, 'file');
      const xml = await readXmlFile(session, path);
      const domain = await session.attempt(`Failed to ${name} domain from ${path}`, () =>
        submit(session, xml, options),
      );
      session.printExtra(`Domain '${domain.name}' ${past} from ${path}\n`);
      return true;
    },
  };
}

const validateFlag = flag('validate', 'validate the XML against the schema');

/** domid / domname / domuuid: print one property of a domain found by the other two. */
function identity(
  name: string,
  help: string,
  argHelp: string,
  by: LookupBy,
  value: (domain: Domain) => { key: string; value: string | number | null; text: string },
): CommandDef {
  return {
    name,
    help,
    desc: '',
    options: [domainArg(argHelp)],
    json: true,
    run: async (session, options) => {
      const result = value(await session.lookupDomain(options, by));
      session.output({ [result.key]: result.value }, () => `${result.text}\n`);
      return true;
    },
  };
}

const VCPU_FLAGS = ['maximum', 'active', 'live', 'config', 'current', 'guest'] as const;

/** virshCPUCountCollect for the all-counts table: a count, or undefined where it does not apply. */
async function collectCount(domain: Domain, query: VcpuCountOptions): Promise<number | undefined> {
  if (query.live && !(await domain.isActive())) return undefined;
  if (query.config && !(await domain.isPersistent())) return undefined;
  return domain.getVcpusFlags(query);
}

async function runVcpucount(session: Session, options: CommandOptions): Promise<boolean> {
  session.exclusive(options, 'current', 'live');
  session.exclusive(options, 'current', 'config');
  session.exclusive(options, 'active', 'maximum');
  session.exclusive(options, 'guest', 'config');
  session.exclusive(options, 'live', 'config');
  const domain = await session.lookupDomain(options);
  if (VCPU_FLAGS.some((f) => options.flag(f))) {
    const count = await domain.getVcpusFlags({
      maximum: options.flag('maximum'),
      config: options.flag('config'),
      live: options.flag('live'),
      guest: options.flag('guest'),
    });
    session.output({ count }, () => `${count}\n`);
    return true;
  }
  const rows: { kind: 'maximum' | 'current'; scope: 'config' | 'live'; count: number }[] = [];
  for (const [kind, scope] of [
    ['maximum', 'config'],
    ['maximum', 'live'],
    ['current', 'config'],
    ['current', 'live'],
  ] as const) {
    const count = await collectCount(domain, { maximum: kind === 'maximum', [scope]: true });
    if (count !== undefined && count > 0) rows.push({ kind, scope, count });
  }
  session.output({ counts: rows }, () =>
    rows
      .map((row) => `${row.kind.padEnd(12)} ${row.scope.padEnd(12)} ${String(row.count).padStart(3)}\n`)
      .join(''),
  );
  return true;
}

async function runDumpxml(session: Session, options: CommandOptions): Promise<boolean> {
  const domain = await session.lookupDomain(options);
  const xml = await domain.getXmlDesc({
    inactive: options.flag('inactive'),
    secure: options.flag('security-info'),
    updateCpu: options.flag('update-cpu'),
    migratable: options.flag('migratable'),
  });
  session.print(xml);
  return true;
}

/** virsh's "Domain Management" group (tools/virsh-domain.c), as far as virtkit has it, in its (alphabetical) order. */
export const DOMAIN_MANAGEMENT_COMMANDS: readonly CommandDef[] = [
  ...LIFECYCLE.map(domainAction),
  fromFile(
    'create',
    'create a domain from an XML file',
    'Create a domain.',
    [
      flag('paused', 'leave the guest paused after creation'),
      flag('autodestroy', 'automatically destroy the guest when virtkit disconnects'),
      validateFlag,
      flag('reset-nvram', 're-initialize NVRAM from its pristine template'),
    ],
    async (session, xml, options) =>
      (await session.connection()).createXml(xml, {
        paused: options.flag('paused'),
        autodestroy: options.flag('autodestroy'),
        validate: options.flag('validate'),
        resetNvram: options.flag('reset-nvram'),
      }),
  ),
  fromFile(
    'define',
    "define (but don't start) a domain from an XML file",
    'Define a domain.',
    [validateFlag],
    async (session, xml, options) =>
      (await session.connection()).defineXml(xml, { validate: options.flag('validate') }),
  ),
  identity(
    'domid',
    'convert a domain name or UUID to domain id',
    'domain name or uuid',
    { name: true, uuid: true },
    (d) => ({
      key: 'id',
      value: d.id >= 0 ? d.id : null,
      text: d.id >= 0 ? String(d.id) : '-',
    }),
  ),
  identity(
    'domname',
    'convert a domain id or UUID to domain name',
    'domain id or uuid',
    { id: true, uuid: true },
    (d) => ({
      key: 'name',
      value: d.name,
      text: d.name,
    }),
  ),
  identity(
    'domuuid',
    'convert a domain name or id to domain UUID',
    'domain id or name',
    { id: true, name: true },
    (d) => ({
      key: 'uuid',
      value: d.uuid,
      text: d.uuid,
    }),
  ),
  {
    name: 'dumpxml',
    help: 'domain information in XML',
    desc: 'Output the domain information as an XML dump to stdout.',
    options: [
      domainArg(),
      flag('inactive', 'show inactive defined XML'),
      flag('security-info', 'include security sensitive information in XML dump'),
      flag('update-cpu', 'update guest CPU according to host CPU'),
      flag('migratable', 'provide XML suitable for migrations'),
    ],
    run: runDumpxml,
  },
  {
    name: 'vcpucount',
    help: 'domain vcpu counts',
    desc: 'Returns the number of virtual CPUs used by the domain.',
    options: [
      domainArg(),
      flag('maximum', 'get maximum count of vcpus'),
      flag('active', 'get number of currently active vcpus'),
      flag('live', 'get value from running domain'),
      flag('config', 'get value to be used on next boot'),
      flag('current', 'get value according to current domain state'),
      flag('guest', 'retrieve vcpu count from the guest instead of the hypervisor'),
    ],
    json: true,
    run: runVcpucount,
  },
].sort((a, b) => (a.name < b.name ? -1 : 1));
