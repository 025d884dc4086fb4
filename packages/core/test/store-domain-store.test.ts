import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DomainStatus,
  DomainStore,
  isVirtError,
  STATUS_FORMAT_VERSION,
  VirtError,
} from '../src/index.js';

const xml = (name: string) => `<domain type='kvm'><name>${name}</name></domain>\n`;

const running: DomainStatus = {
  pid: 4242,
  monitorPath: '/run/virtkit/vm1.monitor',
  state: { state: 'running', reason: 'booted' },
  flags: { fakeReboot: true, pausedShutdown: false },
  job: { asyncJob: 'backup' },
  liveXml: "<domain type='kvm' id='3'><name>vm1</name></domain>",
  driverData: { qmpCaps: ['oob'] },
};

let root: string;
let store: DomainStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'virtkit-store-'));
  store = await DomainStore.open(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DomainStore configs', () => {
  it('saves, loads, replaces and deletes a definition as config/NAME.xml', async () => {
    expect(await store.loadConfig('vm1')).toBeUndefined();
    await store.saveConfig('vm1', xml('vm1'));
    expect(await readFile(join(root, 'config', 'vm1.xml'), 'utf8')).toBe(xml('vm1'));
    expect((await stat(join(root, 'config', 'vm1.xml'))).mode & 0o777).toBe(0o600);

    await store.saveConfig('vm1', xml('vm1-v2'));
    expect(await store.loadConfig('vm1')).toBe(xml('vm1-v2'));
    expect(await readdir(join(root, 'config'))).toEqual(['vm1.xml']);

    await store.deleteConfig('vm1');
    expect(await store.loadConfig('vm1')).toBeUndefined();
    await store.deleteConfig('vm1');
  });

  it.each([
    ['', 'invalid argument: domain name must not be empty'],
    ['a/b', "XML error: name a/b cannot contain '/'"],
    ['.hidden', "XML error: name .hidden cannot start with '.'"],
    ['a\nb', 'invalid char in name: \n'],
  ])('refuses the name %j', async (name, message) => {
    await expect(store.saveConfig(name, xml('x'))).rejects.toThrow(message);
    await expect(store.loadStatus(name)).rejects.toBeInstanceOf(VirtError);
  });

  it('lists good definitions and reports each bad file without stopping or touching it', async () => {
    await store.saveConfig('good1', xml('good1'));
    await store.saveConfig('good2', xml('good2'));
    await writeFile(join(root, 'config', 'broken.xml'), '<domain><name>broken');
    await mkdir(join(root, 'config', 'unreadable.xml'));
    await writeFile(join(root, 'config', 'notes.txt'), 'not a definition');

    const parse = (text: string, name: string) => {
      if (!text.includes('</domain>')) throw new VirtError('XML_ERROR', `premature end of data in ${name}`);
      return text.length;
    };
    const { entries, errors } = await store.listConfigs(parse);

    expect(entries).toEqual([
      { name: 'good1', value: xml('good1').length },
      { name: 'good2', value: xml('good2').length },
    ]);
    expect(errors.map((e) => e.name)).toEqual(['broken', 'unreadable']);
    const [broken, unreadable] = errors;
    expect(broken?.error.message).toBe(
      `failed to parse configuration file ${join(root, 'config', 'broken.xml')}: XML error: premature end of data in broken`,
    );
    expect(unreadable?.error.code).toBe('SYSTEM_ERROR');
    expect(unreadable?.error.message).toContain(
      `Failed to read file '${join(root, 'config', 'unreadable.xml')}'`,
    );
    expect(await readFile(join(root, 'config', 'broken.xml'), 'utf8')).toBe('<domain><name>broken');
  });

  it('lists raw XML when no parser is given', async () => {
    await store.saveConfig('vm1', xml('vm1'));
    expect(await store.listConfigs()).toEqual({ entries: [{ name: 'vm1', value: xml('vm1') }], errors: [] });
  });

  it('ignores and removes temp files a crashed write left behind', async () => {
    await store.saveConfig('vm1', xml('vm1'));
    const leftover = join(root, 'config', '.vm2.xml.tmp-99999-0a1b2c3d4e5f');
    await writeFile(leftover, '<domain><na');
    const { entries, errors } = await store.listConfigs();
    expect(entries.map((e) => e.name)).toEqual(['vm1']);
    expect(errors).toEqual([]);
    expect(await readdir(join(root, 'config'))).toEqual(['vm1.xml']);
  });

  it('reports a failed write as a system error and leaves no temp file', async () => {
    await mkdir(join(root, 'config', 'vm1.xml'));
    await writeFile(join(root, 'config', 'vm1.xml', 'occupied'), '');
    const error = await store.saveConfig('vm1', xml('vm1')).catch((e: unknown) => e);
    expect(isVirtError(error, 'SYSTEM_ERROR')).toBe(true);
    expect((error as Error).message).toContain(`Failed to write file '${join(root, 'config', 'vm1.xml')}'`);
    expect(await readdir(join(root, 'config'))).toEqual(['vm1.xml']);
  });
});

describe('DomainStore autostart', () => {
  it('marks a domain with a relative symlink to its definition', async () => {
    await store.saveConfig('vm1', xml('vm1'));
    expect(await store.getAutostart('vm1')).toBe(false);
    await store.setAutostart('vm1', true);
    await store.setAutostart('vm1', true);
    expect(await readlink(join(root, 'autostart', 'vm1.xml'))).toBe(join('..', 'config', 'vm1.xml'));
    expect(await readFile(join(root, 'autostart', 'vm1.xml'), 'utf8')).toBe(xml('vm1'));
    expect(await store.getAutostart('vm1')).toBe(true);
    expect(await store.listAutostart()).toEqual(['vm1']);

    await store.setAutostart('vm1', false);
    expect(await store.getAutostart('vm1')).toBe(false);
    expect(await store.listAutostart()).toEqual([]);
  });

  it('refuses autostart for a domain without a definition', async () => {
    await expect(store.setAutostart('ghost', true)).rejects.toThrow(
      'Requested operation is not valid: cannot set autostart for transient domain',
    );
  });

  it('drops the autostart link when the definition is deleted', async () => {
    await store.saveConfig('vm1', xml('vm1'));
    await store.setAutostart('vm1', true);
    await store.deleteConfig('vm1');
    expect(await store.getAutostart('vm1')).toBe(false);
    expect(await readdir(join(root, 'autostart'))).toEqual([]);
  });
});

describe('DomainStore rename', () => {
  it('moves the definition and its autostart mark to the new name', async () => {
    await store.saveConfig('old', xml('old'));
    await store.setAutostart('old', true);
    await store.renameConfig('old', 'new', xml('new'));
    expect(await store.loadConfig('old')).toBeUndefined();
    expect(await store.loadConfig('new')).toBe(xml('new'));
    expect(await store.listAutostart()).toEqual(['new']);
    expect(await readlink(join(root, 'autostart', 'new.xml'))).toBe(join('..', 'config', 'new.xml'));
  });

  it('refuses a missing source, a taken name, an active domain and a bad name', async () => {
    await store.saveConfig('a', xml('a'));
    await store.saveConfig('b', xml('b'));
    await expect(store.renameConfig('zz', 'c', xml('c'))).rejects.toThrow(
      "Domain not found: no domain with matching name 'zz'",
    );
    await expect(store.renameConfig('a', 'b', xml('b'))).rejects.toThrow(
      "Requested operation is not valid: domain with name 'b' already exists",
    );
    await expect(store.renameConfig('a', 'x/y', xml('x'))).rejects.toThrow("name x/y cannot contain '/'");
    await store.saveStatus('a', running);
    await expect(store.renameConfig('a', 'c', xml('c'))).rejects.toThrow(
      'Requested operation is not valid: cannot rename active domain',
    );
    expect(await store.loadConfig('a')).toBe(xml('a'));
  });
});

describe('DomainStore status', () => {
  it('round-trips a status record through a versioned JSON file', async () => {
    expect(await store.loadStatus('vm1')).toBeUndefined();
    await store.saveStatus('vm1', running);
    expect(await store.loadStatus('vm1')).toEqual(running);
    const document = JSON.parse(await readFile(join(root, 'status', 'vm1.json'), 'utf8'));
    expect(document).toMatchObject({ format: 'virtkit-status', version: STATUS_FORMAT_VERSION });

    await store.deleteStatus('vm1');
    expect(await store.loadStatus('vm1')).toBeUndefined();
  });

  it.each([
    ['{"format":"virtkit-status"', /^failed to parse configuration file .*vm1\.json: /],
    [
      '{"format":"virtkit-status","version":99,"status":{}}',
      /vm1\.json: unsupported status format version 99$/,
    ],
    [
      JSON.stringify({
        format: 'virtkit-status',
        version: 1,
        status: { ...running, state: { state: 'running', reason: 'saved' } },
      }),
      /vm1\.json: invalid reason for state running$/,
    ],
    [JSON.stringify({ format: 'virtkit-status', version: 1, status: { ...running, pid: 0 } }), /pid must be/],
    [
      JSON.stringify({ format: 'virtkit-status', version: 1, status: { ...running, job: { job: 'nap' } } }),
      /invalid job/,
    ],
  ])('rejects a damaged status file %#, naming it', async (text, message) => {
    await writeFile(join(root, 'status', 'vm1.json'), text);
    const error = await store.loadStatus('vm1').catch((e: unknown) => e);
    expect(isVirtError(error, 'PARSE_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect(await readFile(join(root, 'status', 'vm1.json'), 'utf8')).toBe(text);
  });

  it('lists good status files and reports bad ones', async () => {
    await store.saveStatus('vm1', running);
    await writeFile(join(root, 'status', 'vm2.json'), 'garbage');
    const { entries, errors } = await store.listStatus();
    expect(entries).toEqual([{ name: 'vm1', value: running }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.file).toBe(join(root, 'status', 'vm2.json'));
    expect(errors[0]?.error.code).toBe('PARSE_FAILED');
  });
});
