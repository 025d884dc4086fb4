import type { Connection, Domain, ListFilter, StateWithReason } from '@virtkit/core';
import { type CommandDef, type CommandOptions, domainArg, flag } from '../command-types.js';
import { loadCore } from '../connect.js';
import type { Session } from '../session.js';
import { formatTable } from '../vsh-table.js';
import { domainDevices } from './domain-devices.js';

const LIST_FLAGS: readonly [string, string][] = [
  ['inactive', 'list inactive domains'],
  ['all', 'list inactive & active domains'],
  ['transient', 'list transient domains'],
  ['persistent', 'list persistent domains'],
  ['with-snapshot', 'list domains with existing snapshot'],
  ['without-snapshot', 'list domains without a snapshot'],
  ['with-checkpoint', 'list domains with existing checkpoint'],
  ['without-checkpoint', 'list domains without a checkpoint'],
  ['state-running', 'list domains in running state'],
  ['state-paused', 'list domains in paused state'],
  ['state-shutoff', 'list domains in shutoff state'],
  ['state-other', 'list domains in other states'],
  ['autostart', 'list domains with autostart enabled'],
  ['no-autostart', 'list domains with autostart disabled'],
  ['with-managed-save', 'list domains with managed save state'],
  ['without-managed-save', 'list domains without managed save'],
  ['uuid', "list uuid's only"],
  ['name', 'list domain names only'],
  ['id', 'list domain IDs only'],
  ['table', 'list table (default)'],
  ['managed-save', 'mark inactive domains with managed save state'],
  ['title', 'show domain title'],
];

/** A pair of opposite list flags: only one of them filters; both or neither match all. */
function either(options: CommandOptions, yes: string, no: string): boolean | undefined {
  return options.flag(yes) === options.flag(no) ? undefined : options.flag(yes);
}

/** virsh's list flags as core's virConnectListAllDomains filter. */
function listFilter(options: CommandOptions): ListFilter {
  let active: boolean | undefined = true;
  if (options.flag('inactive') || options.flag('state-shutoff')) active = false;
  if (options.flag('all')) active = undefined;
  const states = (['running', 'paused', 'shutoff', 'other'] as const).filter((s) =>
    options.flag(`state-${s}`),
  );
  const filter: ListFilter = {
    active,
    persistent: either(options, 'persistent', 'transient'),
    autostart: either(options, 'autostart', 'no-autostart'),
    managedSave: either(options, 'with-managed-save', 'without-managed-save'),
  };
  return states.length > 0 ? { ...filter, states } : filter;
}

/** virshDomainSorter: running domains by id, then inactive ones by name, ignoring case. */
function byIdThenName(a: Domain, b: Domain): number {
  if (a.id >= 0 && b.id >= 0) return a.id - b.id;
  if (a.id >= 0 || b.id >= 0) return a.id >= 0 ? -1 : 1;
  const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}

const idText = (domain: Domain) => (domain.id >= 0 ? String(domain.id) : '-');

async function listDomains(connection: Connection, options: CommandOptions): Promise<Domain[]> {
  // Nothing in virtkit has snapshots or checkpoints yet, so only "without" matches.
  if (
    either(options, 'with-snapshot', 'without-snapshot') ||
    either(options, 'with-checkpoint', 'without-checkpoint')
  ) {
    return [];
  }
  return (await connection.listAllDomains(listFilter(options))).sort(byIdThenName);
}

async function titleOf(domain: Domain): Promise<string> {
  const { parseDomainXml } = await loadCore();
  return parseDomainXml(await domain.getXmlDesc()).title ?? '';
}

/** The state virsh shows in a table row; undefined when the domain vanished meanwhile. */
function stateOf(domain: Domain): Promise<StateWithReason | undefined> {
  return optional(() => domain.getState(), undefined);
}

async function runList(session: Session, options: CommandOptions): Promise<boolean> {
  for (const other of ['name', 'uuid', 'id']) session.exclusive(options, 'table', other);
  const domains = await listDomains(await session.connection(), options);
  const { formatState } = await loadCore();
  if (session.json) {
    const entries = [];
    for (const domain of domains) {
      const state = await stateOf(domain);
      if (!state) continue;
      const entry = { id: domain.id >= 0 ? domain.id : null, name: domain.name, uuid: domain.uuid, ...state };
      entries.push(options.flag('title') ? { ...entry, title: await titleOf(domain) } : entry);
    }
    session.printJson({ domains: entries });
    return true;
  }
  const [uuid, name, id] = ['uuid', 'name', 'id'].map((f) => options.flag(f));
  if (uuid || name || id) {
    for (const domain of domains) {
      if (id && !uuid && !name && domain.id < 0) continue;
      const fields = [uuid && domain.uuid, id && idText(domain), name && domain.name];
      session.print(`${fields.filter((f) => typeof f === 'string').join(' ')}\n`);
    }
    return true;
  }
  const title = options.flag('title');
  const header = ['Id', 'Name', 'State', ...(title ? ['Title'] : [])];
  const rows: string[][] = [];
  for (const domain of domains) {
    const state = await stateOf(domain);
    if (!state) continue;
    const saved =
      options.flag('managed-save') &&
      state.state === 'shutoff' &&
      (await domain.hasManagedSaveImage().catch(() => false));
    const row = [idText(domain), domain.name, saved ? 'saved' : formatState(state)];
    if (title) row.push(await titleOf(domain));
    rows.push(row);
  }
  session.print(formatTable(header, rows, session.settings.quiet));
  return true;
}

/** Runs `query`, answering `fallback` when it fails (the lines virsh prints "unknown" or skips). */
async function optional<T, F>(query: () => Promise<T>, fallback: F): Promise<T | F> {
  try {
    return await query();
  } catch {
    return fallback;
  }
}

async function isNoSupport(error: unknown): Promise<boolean> {
  const { isVirtError } = await loadCore();
  return isVirtError(error, 'NO_SUPPORT');
}

/** The security model, or undefined when the driver has none (NO_SUPPORT is not an error for dominfo). */
async function securityModel(connection: Connection) {
  try {
    return await connection.getSecurityModel();
  } catch (error) {
    if (await isNoSupport(error)) return undefined;
    throw error;
  }
}

async function runDominfo(session: Session, options: CommandOptions): Promise<boolean> {
  const domain = await session.lookupDomain(options);
  const { formatState } = await loadCore();
  const connection = await session.connection();
  const osType = await optional(() => domain.getOsType(), undefined);
  let infoError: unknown;
  const info = await domain.getInfo().catch((error: unknown) => {
    infoError = error;
    return undefined;
  });
  const persistent = await optional(() => domain.isPersistent(), undefined);
  const autostart = await optional(() => domain.getAutostart(), undefined);
  const managedSave = await optional(() => domain.hasManagedSaveImage(), undefined);
  const model = await securityModel(connection);
  const label = model?.model ? await domain.getSecurityLabel() : undefined;
  if (session.json) {
    session.printJson({
      id: domain.id >= 0 ? domain.id : null,
      name: domain.name,
      uuid: domain.uuid,
      osType: osType ?? null,
      state: info?.state ?? null,
      cpus: info?.nrVirtCpu ?? null,
      // Seconds rounded to the nanosecond, so the float prints as its decimal (1.5, not 1.5000000002).
      cpuTimeSeconds: info ? Number((Number(info.cpuTimeNs) / 1e9).toFixed(9)) : null,
      maxMemoryKiB: info?.maxMemKiB ?? null,
      usedMemoryKiB: info?.memoryKiB ?? null,
      persistent: persistent ?? null,
      autostart: autostart ?? null,
      managedSave: managedSave ?? null,
      securityModel: model?.model ? { model: model.model, doi: model.doi } : null,
      securityLabel: label?.label ? { label: label.label, enforcing: label.enforcing } : null,
    });
  } else {
    const line = (name: string, value: string) => session.print(`${name.padEnd(15)} ${value}\n`);
    line('Id:', idText(domain));
    line('Name:', domain.name);
    line('UUID:', domain.uuid);
    if (osType !== undefined) line('OS Type:', osType);
    if (info) {
      line('State:', formatState({ state: info.state, reason: 'unknown' } as StateWithReason));
      line('CPU(s):', String(info.nrVirtCpu));
      if (info.cpuTimeNs !== 0n) line('CPU time:', `${(Number(info.cpuTimeNs) / 1e9).toFixed(1)}s`);
      line('Max memory:', `${info.maxMemKiB} KiB`);
      line('Used memory:', `${info.memoryKiB} KiB`);
    }
    line('Persistent:', persistent === undefined ? 'unknown' : persistent ? 'yes' : 'no');
    if (autostart !== undefined) line('Autostart:', autostart ? 'enable' : 'disable');
    line('Managed save:', managedSave === undefined ? 'unknown' : managedSave ? 'yes' : 'no');
    if (model?.model) {
      line('Security model:', model.model);
      line('Security DOI:', model.doi);
      if (label?.label)
        line('Security label:', `${label.label} (${label.enforcing ? 'enforcing' : 'permissive'})`);
    }
  }
  if (infoError !== undefined) throw infoError;
  return true;
}

async function runDomstate(session: Session, options: CommandOptions): Promise<boolean> {
  const domain = await session.lookupDomain(options);
  const state = await domain.getState();
  const { formatState } = await loadCore();
  session.output(state, () => `${formatState(state, options.flag('reason'))}\n`);
  return true;
}

async function runDomblklist(session: Session, options: CommandOptions): Promise<boolean> {
  const domain = await session.lookupDomain(options);
  const { disks } = await domainDevices(domain, options.flag('inactive'));
  const details = options.flag('details');
  const header = details ? ['Type', 'Device', 'Target', 'Source'] : ['Target', 'Source'];
  const rows = disks.map((d) => [...(details ? [d.type, d.device] : []), d.target, d.source ?? '-']);
  session.output({ disks }, () => formatTable(header, rows, session.settings.quiet));
  return true;
}

async function runDomiflist(session: Session, options: CommandOptions): Promise<boolean> {
  const domain = await session.lookupDomain(options);
  const { interfaces } = await domainDevices(domain, options.flag('inactive'));
  const rows = interfaces.map((i) => [
    i.target ?? '-',
    i.type,
    i.source ?? '-',
    i.model ?? '-',
    i.mac ?? '-',
  ]);
  const header = ['Interface', 'Type', 'Source', 'Model', 'MAC'];
  session.output({ interfaces }, () => formatTable(header, rows, session.settings.quiet));
  return true;
}

const inactiveFlag = flag('inactive', 'get inactive rather than running configuration');

/** virsh's "Domain Monitoring" group (tools/virsh-domain-monitor.c), as far as virtkit has it. */
export const DOMAIN_MONITOR_COMMANDS: readonly CommandDef[] = [
  {
    name: 'domblklist',
    help: 'list all domain blocks',
    desc: 'Get the summary of block devices for a domain.',
    options: [domainArg(), inactiveFlag, flag('details', 'additionally display the type and device value')],
    json: true,
    run: runDomblklist,
  },
  {
    name: 'domiflist',
    help: 'list all domain virtual interfaces',
    desc: 'Get the summary of virtual interfaces for a domain.',
    options: [domainArg(), inactiveFlag],
    json: true,
    run: runDomiflist,
  },
  {
    name: 'dominfo',
    help: 'domain information',
    desc: 'Returns basic information about the domain.',
    options: [domainArg()],
    json: true,
    run: runDominfo,
  },
  {
    name: 'domstate',
    help: 'domain state',
    desc: 'Returns state about a domain.',
    options: [domainArg(), flag('reason', 'also print reason for the state')],
    json: true,
    run: runDomstate,
  },
  {
    name: 'list',
    help: 'list domains',
    desc: 'Returns list of domains.',
    options: LIST_FLAGS.map(([name, help]) => flag(name, help)),
    json: true,
    run: runList,
  },
];
