import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Driver,
  driverKeyFor,
  EventBus,
  type ImportModule,
  importFromApplication,
  loadDriverPackage,
  type OpenContext,
  openConnection,
  parseUri,
  type VirtUri,
} from '../src/index.js';
import { expectVirtError } from '../src/testkit/index.js';
import { createMemoryDriver } from './fixtures/memory-driver.js';

/** A driver that records what it was opened with. */
function spyDriver(schemes: string[]): Driver & { opened: { uri: VirtUri; ctx: OpenContext }[] } {
  const memory = createMemoryDriver();
  const opened: { uri: VirtUri; ctx: OpenContext }[] = [];
  return {
    name: 'spy',
    schemes,
    opened,
    open(uri, ctx) {
      opened.push({ uri, ctx });
      return memory.open(uri, ctx);
    },
  };
}

/** An importer that serves `modules` and fails for anything else the way Node does. */
function fakeImporter(modules: Record<string, unknown>): ImportModule & { asked: string[] } {
  const asked: string[] = [];
  const importer = async (specifier: string) => {
    asked.push(specifier);
    if (specifier in modules) return modules[specifier];
    throw Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/index.js`), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
  };
  return Object.assign(importer, { asked });
}

describe('driverKeyFor', () => {
  it.each([
    ['test:///default', 'test'],
    ['qemu:///system', 'qemu'],
    ['qemu:///embed?root=/x', 'qemu'],
    ['qemu+unix:///system', 'remote'],
    ['qemu+ssh://user@host/system', 'remote'],
    ['qemu://host/system', 'remote'],
    ['test+tcp://host/default', 'remote'],
    ['esx://host/?no_verify=1', 'esx'],
    ['gsx://host/', 'gsx'],
    ['vpx://vc/dc/cluster/host', 'vpx'],
    ['hyperv://host/?transport=http', 'hyperv'],
    ['vbox:///session', 'vbox'],
  ])('%s is served by %s', (text, key) => {
    expect(driverKeyFor(parseUri(text))).toBe(key);
  });

  it('requires a server for the drivers that talk to one', () => {
    expect(() => driverKeyFor(parseUri('esx:///'))).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARG',
        message: 'invalid argument: URI is missing the server part',
      }),
    );
  });
});

describe('openConnection', () => {
  it('uses a given driver without importing anything, passing it the URI, read-only flag, env and bus', async () => {
    const spy = spyDriver(['qemu']);
    const importDriver = fakeImporter({});
    const events = new EventBus();
    const env = { HOME: '/home/x' };
    const conn = await openConnection('qemu:///system', {
      drivers: [spy],
      importDriver,
      readonly: true,
      env,
      events,
    });
    expect(importDriver.asked).toEqual([]);
    expect(spy.opened[0]?.uri.path).toBe('/system');
    expect(spy.opened[0]?.ctx).toEqual({ readonly: true, env, events });
    expect(conn.readonly).toBe(true);
    expect(conn.uri.driver).toBe('qemu');
    await conn.close();
  });

  it("imports the scheme's package and uses its `driver` export", async () => {
    const spy = spyDriver(['lxc']);
    const importDriver = fakeImporter({ '@virtkit/driver-lxc': { driver: spy } });
    const conn = await openConnection('lxc:///system', { importDriver, env: {} });
    expect(importDriver.asked).toEqual(['@virtkit/driver-lxc']);
    expect(spy.opened).toHaveLength(1);
    await conn.close();
  });

  it('sends a transport or a remote host to @virtkit/remote', async () => {
    const importDriver = fakeImporter({ '@virtkit/remote': { driver: spyDriver(['remote']) } });
    for (const uri of ['qemu+ssh://user@host/system', 'qemu://host/system']) {
      await (await openConnection(uri, { importDriver, env: {} })).close();
    }
    expect(importDriver.asked).toEqual(['@virtkit/remote', '@virtkit/remote']);
  });

  it('names the package to install when it is missing', async () => {
    await expectVirtError(
      openConnection('qemu:///system', { importDriver: fakeImporter({}), env: {} }),
      'NO_CONNECT',
      'no connection driver available for qemu:///system: install @virtkit/driver-qemu',
    );
  });

  it('finds a missing package missing with the default importer too', async () => {
    await expectVirtError(
      openConnection('vbox:///session', { env: {} }),
      'NO_CONNECT',
      'no connection driver available for vbox:///session: install @virtkit/driver-vbox',
    );
  });

  it("imports a package installed in the application's directory, not core's", async () => {
    const app = await mkdtemp(join(tmpdir(), 'virtkit-registry-'));
    try {
      // A name no workspace package has, so only the application's directory can supply it.
      const pkg = join(app, 'node_modules', '@virtkit', 'fixture-driver');
      await mkdir(pkg, { recursive: true });
      await writeFile(
        join(pkg, 'package.json'),
        JSON.stringify({
          name: '@virtkit/fixture-driver',
          type: 'module',
          exports: { '.': { default: './index.js' } },
        }),
      );
      await writeFile(
        join(pkg, 'index.js'),
        `export const driver = { name: 'test', schemes: ['test'], async open(uri) {
          return { async close() {}, getUri: () => 'test://' + uri.path, async listDomains() { return []; },
                   async lookupDomain() { return undefined; } };
        } };`,
      );
      const importer = importFromApplication(app);
      const driver = await loadDriverPackage('@virtkit/fixture-driver', 'test:///default', importer);
      const conn = await openConnection('test:///default', { drivers: [driver], env: {} });
      expect(conn.getUri()).toBe('test:///default');
      await conn.close();
    } finally {
      await rm(app, { recursive: true, force: true });
    }
  });

  it('rejects a package that does not export a driver', async () => {
    await expectVirtError(
      openConnection('xen:///system', {
        importDriver: fakeImporter({ '@virtkit/driver-xen': { default: {} } }),
        env: {},
      }),
      'INTERNAL_ERROR',
      'internal error: @virtkit/driver-xen does not export a driver',
    );
  });

  it("answers an unknown scheme with libvirt's NO_CONNECT text", async () => {
    await expectVirtError(
      openConnection('foo:///bar', { importDriver: fakeImporter({}), env: {} }),
      'NO_CONNECT',
      'no connection driver available for foo:///bar',
    );
  });

  it('takes the URI from LIBVIRT_DEFAULT_URI, then the configured default, through aliases', async () => {
    const spy = spyDriver(['test', 'remote']);
    const open = (uri: string | undefined, env: Record<string, string>, extra = {}) =>
      openConnection(uri, { drivers: [spy], env, ...extra }).then((conn) => conn.close());
    await open(undefined, { LIBVIRT_DEFAULT_URI: 'test:///default' });
    await open(undefined, {}, { defaultUri: 'test:///other' });
    await open('lab', {}, { aliases: ['lab=test+ssh://lab.example.com/default'] });
    expect(spy.opened.map(({ uri }) => `${uri.scheme} ${uri.host ?? ''}${uri.path}`)).toEqual([
      'test /default',
      'test /other',
      'test+ssh lab.example.com/default',
    ]);
  });

  it('fails when no URI is given or configured, and checks the URI before choosing a driver', async () => {
    await expectVirtError(
      openConnection(undefined, { env: {} }),
      'NO_CONNECT',
      'no connection driver available for (null)',
    );
    await expectVirtError(
      openConnection('qemu://system', { drivers: [spyDriver(['qemu', 'remote'])], env: {} }),
      'INTERNAL_ERROR',
      'internal error: invalid URI qemu://system (maybe you want qemu:///system)',
    );
  });
});
