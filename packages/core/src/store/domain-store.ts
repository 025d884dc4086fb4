import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { isVirtError, VirtError } from '../errors/index.js';
import {
  ensureDir,
  listEntries,
  readIfPresent,
  removeDurably,
  symlinkAtomic,
  writeFileAtomic,
} from './durable-fs.js';
import { validateName } from './entry-names.js';
import { errnoCode, systemError } from './fs-errors.js';
import { type DomainStatus, formatStatus, parseStatus } from './status-file.js';

const CONFIG_EXT = '.xml';
const STATUS_EXT = '.json';

/** One good entry of a listing. */
export interface StoredEntry<T> {
  name: string;
  value: T;
}

/** One file a listing could not load; the file itself is left untouched. */
export interface StoreLoadError {
  name: string;
  file: string;
  error: VirtError;
}

export interface StoreListing<T> {
  entries: StoredEntry<T>[];
  errors: StoreLoadError[];
}

/**
 * A driver's persistent state under one root directory, laid out like
 * libvirt's: `config/NAME.xml` (persistent definitions), `autostart/NAME.xml`
 * (a symlink to the definition), `status/NAME.json` (one per running domain).
 * Every write is atomic and durable; listings skip and report bad files
 * instead of failing or repairing them. Domain XML is stored as given.
 */
export class DomainStore {
  readonly configDir: string;
  readonly autostartDir: string;
  readonly statusDir: string;

  private constructor(readonly root: string) {
    this.configDir = join(root, 'config');
    this.autostartDir = join(root, 'autostart');
    this.statusDir = join(root, 'status');
  }

  /** Opens the store, creating its directories. */
  static async open(root: string): Promise<DomainStore> {
    const store = new DomainStore(root);
    for (const dir of [store.configDir, store.autostartDir, store.statusDir]) await ensureDir(dir);
    return store;
  }

  configFile(name: string): string {
    validateName(name);
    return join(this.configDir, name + CONFIG_EXT);
  }

  statusFile(name: string): string {
    validateName(name);
    return join(this.statusDir, name + STATUS_EXT);
  }

  async saveConfig(name: string, xml: string): Promise<void> {
    await writeFileAtomic(this.configFile(name), xml);
  }

  /** The stored definition, or undefined when the domain has none. */
  async loadConfig(name: string): Promise<string | undefined> {
    return readIfPresent(this.configFile(name));
  }

  /** Removes a definition and its autostart link, as libvirt's virDomainDeleteConfig does. */
  async deleteConfig(name: string): Promise<void> {
    await removeDurably(this.#autostartLink(name));
    await removeDurably(this.configFile(name));
  }

  /**
   * Loads every definition. `parse` (e.g. the XML model's parser) turns each
   * text into a value; whatever it throws is reported for that file alone.
   */
  async listConfigs(): Promise<StoreListing<string>>;
  async listConfigs<T>(parse: (xml: string, name: string) => T): Promise<StoreListing<T>>;
  async listConfigs<T>(parse?: (xml: string, name: string) => T): Promise<StoreListing<T | string>> {
    return loadAll(this.configDir, CONFIG_EXT, (text, name) => (parse ? parse(text, name) : text));
  }

  /** Marks a defined domain to start with the manager; refused for a domain without a definition. */
  async setAutostart(name: string, autostart: boolean): Promise<void> {
    const link = this.#autostartLink(name);
    if (!autostart) {
      await removeDurably(link);
      return;
    }
    if ((await this.loadConfig(name)) === undefined) {
      throw new VirtError('OPERATION_INVALID', 'cannot set autostart for transient domain');
    }
    await symlinkAtomic(join('..', 'config', name + CONFIG_EXT), link);
  }

  async getAutostart(name: string): Promise<boolean> {
    const link = this.#autostartLink(name);
    try {
      await lstat(link);
      return true;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return false;
      throw systemError('Failed to access', link, error);
    }
  }

  /** Names of the domains marked for autostart. */
  async listAutostart(): Promise<string[]> {
    return (await listEntries(this.autostartDir))
      .filter((file) => file.endsWith(CONFIG_EXT))
      .map((file) => file.slice(0, -CONFIG_EXT.length));
  }

  /**
   * Moves an inactive domain's definition to a new name with the XML the
   * caller renamed. The new files are written before the old ones go, so a
   * crash midway leaves both names defined rather than neither.
   */
  async renameConfig(oldName: string, newName: string, newXml: string): Promise<void> {
    validateName(newName);
    if ((await this.loadConfig(oldName)) === undefined) {
      throw new VirtError('NO_DOMAIN', `no domain with matching name '${oldName}'`);
    }
    if ((await this.loadConfig(newName)) !== undefined) {
      throw new VirtError('OPERATION_INVALID', `domain with name '${newName}' already exists`);
    }
    if ((await readIfPresent(this.statusFile(oldName))) !== undefined) {
      throw new VirtError('OPERATION_INVALID', 'cannot rename active domain');
    }
    const autostart = await this.getAutostart(oldName);
    await this.saveConfig(newName, newXml);
    if (autostart) await this.setAutostart(newName, true);
    await this.deleteConfig(oldName);
  }

  async saveStatus(name: string, status: DomainStatus): Promise<void> {
    await writeFileAtomic(this.statusFile(name), formatStatus(status));
  }

  /** The running domain's status, or undefined when it has none; a damaged file is an error naming it. */
  async loadStatus(name: string): Promise<DomainStatus | undefined> {
    const file = this.statusFile(name);
    const text = await readIfPresent(file);
    return text === undefined ? undefined : parseStatus(text, file);
  }

  async deleteStatus(name: string): Promise<void> {
    await removeDurably(this.statusFile(name));
  }

  /** Loads every status file, for reconnecting to running guests after a restart. */
  async listStatus(): Promise<StoreListing<DomainStatus>> {
    return loadAll(this.statusDir, STATUS_EXT, (text, _name, file) => parseStatus(text, file));
  }

  #autostartLink(name: string): string {
    validateName(name);
    return join(this.autostartDir, name + CONFIG_EXT);
  }
}

async function loadAll<T>(
  dir: string,
  ext: string,
  decode: (text: string, name: string, file: string) => T,
): Promise<StoreListing<T>> {
  const listing: StoreListing<T> = { entries: [], errors: [] };
  for (const entry of await listEntries(dir)) {
    if (!entry.endsWith(ext)) continue;
    const name = entry.slice(0, -ext.length);
    const file = join(dir, entry);
    try {
      validateName(name);
      const text = await readIfPresent(file);
      if (text === undefined) continue;
      listing.entries.push({ name, value: decode(text, name, file) });
    } catch (error) {
      listing.errors.push({ name, file, error: namingFile(error, file) });
    }
  }
  return listing;
}

/** Makes sure a per-file error says which file it is about. */
function namingFile(error: unknown, file: string): VirtError {
  if (isVirtError(error) && error.message.includes(file)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new VirtError('PARSE_FAILED', `${file}: ${reason}`, { cause: error });
}
