import type { Connection, Domain } from '@virtkit/core';
import type { CommandGroup, CommandOptions } from './command-types.js';
import { openVirtkitConnection } from './connect.js';
import type { VirtkitIo } from './io.js';

/** An error already printed; the command just fails. */
export class ReportedError extends Error {
  constructor() {
    super('reported');
  }
}

/** How `lookupDomain` may read its argument (virsh's VIRSH_BYID/BYUUID/BYNAME). */
export interface LookupBy {
  id?: boolean;
  uuid?: boolean;
  name?: boolean;
}

const ANY_KEY: LookupBy = { id: true, uuid: true, name: true };

export interface SessionSettings {
  /** The URI to connect to; undefined lets core resolve LIBVIRT_DEFAULT_URI, then virtkit's default. */
  uri: string | undefined;
  readonly: boolean;
  quiet: boolean;
  timing: boolean;
  /** A keepalive asked for (`-k N>0`, `-K`): refused by in-process drivers, as libvirt's are. */
  keepalive: { intervalSeconds: number; count: number } | undefined;
  /** The console's escape sequence as given to `-e` (virsh's default `^]`). */
  escape?: string;
}

/**
 * What commands run against: the output streams with virsh's print rules, the
 * (lazily opened) connection, and domain lookup with virsh's error texts.
 */
export class Session {
  readonly io: VirtkitIo;
  readonly settings: SessionSettings;
  /** Every command group, for `help`. */
  readonly groups: readonly CommandGroup[];
  /** Set by `quit`/`exit`: the batch or shell ends after the current command. */
  quitRequested = false;
  /** Set while a command prints JSON, which gets no virsh separator line after it. */
  json = false;
  #connection: Connection | undefined;
  readonly #interruptListeners = new Set<() => void>();

  constructor(io: VirtkitIo, settings: SessionSettings, groups: readonly CommandGroup[]) {
    this.io = io;
    this.settings = settings;
    this.groups = groups;
  }

  /**
   * Calls `listener` on Ctrl-C while a command waits: SIGINT, the io's abort signal, or
   * the shell's readline (which takes Ctrl-C from a terminal). Returns the unsubscribe.
   */
  onInterrupt(listener: () => void): () => void {
    const signal = this.io.signal;
    this.#interruptListeners.add(listener);
    signal?.addEventListener('abort', listener, { once: true });
    process.once('SIGINT', listener);
    return () => {
      this.#interruptListeners.delete(listener);
      signal?.removeEventListener('abort', listener);
      process.removeListener('SIGINT', listener);
    };
  }

  /** Delivers a Ctrl-C to whatever waits; false when nothing does. */
  interrupt(): boolean {
    for (const listener of this.#interruptListeners) listener();
    return this.#interruptListeners.size > 0;
  }

  /** Prints `value` as one JSON document (virtkit's `--json`). */
  printJson(value: unknown): void {
    this.print(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Prints a read command's result: `document` under `--json`, else virsh's `text()`. */
  output(document: unknown, text: () => string): void {
    if (this.json) this.printJson(document);
    else this.print(text());
  }

  /** vshPrint: always printed. */
  print(text: string): void {
    this.io.stdout.write(text);
  }

  /** vshPrintExtra: suppressed by `-q`. */
  printExtra(text: string): void {
    if (!this.settings.quiet) this.io.stdout.write(text);
  }

  /** vshError. */
  error(message: string): void {
    this.io.stderr.write(`error: ${message}\n`);
  }

  /** Prints an error the way virsh reports the last libvirt error at the end of a command. */
  report(error: unknown): void {
    if (error instanceof ReportedError) return;
    this.error(error instanceof Error ? error.message : String(error));
  }

  /** Runs `action`; on failure prints `message` first, as virsh does before the libvirt error. */
  async attempt<T>(message: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      this.error(message);
      throw error;
    }
  }

  /** Prints `message` and stops the command. */
  fail(message: string): never {
    this.error(message);
    throw new ReportedError();
  }

  /** The open connection; opens it on first use, printing virsh's errors when that fails. */
  async connection(): Promise<Connection> {
    if (this.#connection) return this.#connection;
    return this.reconnect(this.settings.uri, this.settings.readonly);
  }

  /** Closes the current connection and opens `uri`; on success it becomes the session's URI. */
  async reconnect(uri: string | undefined, readonly: boolean): Promise<Connection> {
    await this.close();
    try {
      const connection = await openVirtkitConnection(uri, { readonly, env: this.io.env });
      if (this.settings.keepalive) await setKeepAlive(this, connection, this.settings.keepalive);
      this.#connection = connection;
    } catch (error) {
      this.error('failed to connect to the hypervisor');
      this.report(error);
      throw new ReportedError();
    }
    this.settings.uri = uri;
    this.settings.readonly = readonly;
    return this.#connection;
  }

  /** Opens the connection up front; false (its errors printed) when that fails. */
  async tryConnect(): Promise<boolean> {
    try {
      await this.connection();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.close();
  }

  /** The domain named by the command's `domain` option (virshCommandOptDomain). */
  async lookupDomain(options: CommandOptions, by: LookupBy = ANY_KEY): Promise<Domain> {
    const key = this.requireString(options, 'domain');
    const connection = await this.connection();
    const domain = await findDomain(connection, key, by);
    if (!domain) this.fail(`failed to get domain '${key}'`);
    return domain;
  }

  /** virsh's VSH_EXCLUSIVE_OPTIONS: fails when both options were given. */
  exclusive(options: CommandOptions, a: string, b: string): void {
    if (options.has(a) && options.has(b)) this.fail(`Options --${a} and --${b} are mutually exclusive`);
  }

  /** A value option's text; an empty one fails as virsh's vshCommandOptStringReq does. */
  requireString(options: CommandOptions, name: string): string {
    const value = options.string(name) ?? '';
    if (value === '') this.fail(`Failed to get option '${name}': Option argument is empty`);
    return value;
  }
}

async function findDomain(connection: Connection, key: string, by: LookupBy): Promise<Domain | undefined> {
  const attempts: (() => Promise<Domain>)[] = [];
  if (by.id && /^\s*[+-]?\d+$/.test(key) && Number(key) >= 0 && Number(key) <= 0x7fffffff) {
    attempts.push(() => connection.lookupDomainById(Number(key)));
  }
  if (by.uuid && key.length === 36) attempts.push(() => connection.lookupDomainByUuid(key));
  if (by.name) attempts.push(() => connection.lookupDomainByName(key));
  for (const attempt of attempts) {
    try {
      return await attempt();
    } catch {
      // virsh tries the next way to read the key and reports only its own message.
    }
  }
  return undefined;
}

/** virsh's vshConnect: a keepalive asked for that the driver refuses ends the connection. */
async function setKeepAlive(
  session: Session,
  connection: Connection,
  { intervalSeconds, count }: { intervalSeconds: number; count: number },
): Promise<void> {
  try {
    await connection.setKeepAlive(intervalSeconds, count);
  } catch (error) {
    await connection.close();
    session.error('Cannot setup keepalive on connection as requested, disconnecting');
    throw error;
  }
}
