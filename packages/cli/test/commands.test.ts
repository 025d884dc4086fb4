import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onDefault, runCli } from './run-cli.js';

const TEST_UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';

describe('virtkit on test:///default', () => {
  it('lists the running test domain in virsh’s table', async () => {
    expect(await onDefault('list --all')).toEqual({
      code: 0,
      stdout: ' Id   Name   State\n----------------------\n 1    test   running\n\n',
      stderr: '',
    });
  });

  it('lists names, uuids and ids only, and refuses --table with --name', async () => {
    expect((await onDefault('list --name --uuid')).stdout).toBe(`${TEST_UUID} test\n\n`);
    expect((await onDefault('list --id')).stdout).toBe('1\n\n');
    expect(await onDefault('list --name --table')).toEqual({
      code: 1,
      stdout: '\n',
      stderr: 'error: Options --table and --name are mutually exclusive\n',
    });
  });

  it('filters by state and persistence', async () => {
    const empty = ' Id   Name   State\n--------------------\n\n';
    expect((await onDefault('list --inactive')).stdout).toBe(empty);
    expect((await onDefault('list --transient')).stdout).toBe(empty);
    expect((await onDefault('destroy test; list --state-shutoff --name')).stdout).toBe(
      "Domain 'test' destroyed\n\ntest\n\n",
    );
  });

  it('shows dominfo with virsh’s labels', async () => {
    const { code, stdout } = await onDefault('dominfo test');
    expect(code).toBe(0);
    expect(stdout.replace(/CPU time: +[\d.]+s/, 'CPU time: X')).toBe(
      [
        'Id:             1',
        'Name:           test',
        `UUID:           ${TEST_UUID}`,
        'OS Type:        linux',
        'State:          running',
        'CPU(s):         2',
        'CPU time: X',
        'Max memory:     8388608 KiB',
        'Used memory:    2097152 KiB',
        'Persistent:     yes',
        'Autostart:      disable',
        'Managed save:   no',
        'Security model: testSecurity',
        'Security DOI:   ',
        'Security label: libvirt-test (enforcing)',
        '',
        '',
      ].join('\n'),
    );
  });

  it('converts between id, name and uuid', async () => {
    expect((await onDefault('domid test; domname 1; domuuid 1')).stdout).toBe(
      `1\n\ntest\n\n${TEST_UUID}\n\n`,
    );
    expect(await onDefault('domname test')).toEqual({
      code: 1,
      stdout: '\n',
      stderr: "error: failed to get domain 'test'\n",
    });
  });

  it('runs suspend → domstate → resume with states, reasons and messages', async () => {
    expect(
      await onDefault('suspend test; domstate --reason test; resume test; domstate --reason test'),
    ).toEqual({
      code: 0,
      stdout: "Domain 'test' suspended\n\npaused (user)\n\nDomain 'test' resumed\n\nrunning (unpaused)\n\n",
      stderr: '',
    });
  });

  it('ends shutdown and destroy in their shut-off reasons, and shows "-" as the id', async () => {
    expect((await onDefault('shutdown test; domstate --reason test; domid test')).stdout).toBe(
      "Domain 'test' is being shutdown\n\nshut off (shutdown)\n\n-\n\n",
    );
    expect((await onDefault('destroy test; domstate --reason test')).stdout).toBe(
      "Domain 'test' destroyed\n\nshut off (destroyed)\n\n",
    );
  });

  it('goes on after a failing command and answers the last one’s status', async () => {
    expect(await onDefault('destroy test; destroy test')).toEqual({
      code: 1,
      stdout: "Domain 'test' destroyed\n\n\n",
      stderr:
        "error: Failed to destroy domain 'test'\nerror: Requested operation is not valid: domain is not running\n",
    });
    expect((await onDefault('start test; domstate test')).code).toBe(0);
  });

  it('runs nothing when any command of the batch has a syntax error', async () => {
    expect(await onDefault('destroy test; list --foo')).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: command 'list' doesn't support option --foo\n",
    });
  });

  it('stops the batch at quit', async () => {
    expect(await onDefault('uri; quit; uri')).toEqual({ code: 0, stdout: 'test:///default\n\n', stderr: '' });
  });

  it('refuses writes on a read-only connection', async () => {
    expect(await onDefault('suspend test', '-r')).toEqual({
      code: 1,
      stdout: '\n',
      stderr:
        "error: Failed to suspend domain 'test'\nerror: operation forbidden: read only access prevents virDomainSuspend\n",
    });
  });

  it('suppresses messages, blank lines and table headers with -q', async () => {
    expect((await onDefault('suspend test; domstate test; list', '-q')).stdout).toBe(
      'paused\n 1   test   paused\n',
    );
  });

  it('prints host facts', async () => {
    const { stdout } = await onDefault('nodeinfo; uri; hostname; version');
    expect(stdout).toContain('CPU model:           i686\nCPU(s):              16\n');
    expect(stdout).toContain('test:///default\n\n');
    expect(stdout).toContain('Compiled against library: virtkit 0.1.0\n');
    expect(stdout).toContain('Running hypervisor: TEST 0.0.2\n');
  });

  it('lists disks, interfaces and vcpu counts', async () => {
    expect((await onDefault('domblklist --details test')).stdout).toBe(
      ' Type   Device   Target   Source\n---------------------------------------------\n file   disk     vda      /guest/diskimage1\n\n',
    );
    expect((await onDefault('domiflist test')).stdout).toContain(
      ' testnet0    network   default   -       aa:bb:cc:dd:ee:ff\n',
    );
    expect((await onDefault('vcpucount test')).stdout).toBe(
      'maximum      config         2\nmaximum      live           2\ncurrent      config         2\ncurrent      live           2\n\n',
    );
  });

  it('prints help pages in virsh’s layout', async () => {
    const { stdout } = await runCli(['help', 'domstate']);
    expect(stdout).toBe(
      '  NAME\n    domstate - domain state\n\n  SYNOPSIS\n    domstate <domain> [--reason] [--json]\n\n' +
        '  DESCRIPTION\n    Returns state about a domain.\n\n  OPTIONS\n' +
        '    [--domain] <string>  domain name, id or uuid\n    --reason         also print reason for the state\n' +
        '    --json           print one JSON document instead of text (virtkit)\n\n\n',
    );
    expect((await runCli(['help'])).stdout).toContain(" Virtkit itself (help keyword 'virtkit'):\n");
    expect(await runCli(['help', 'nosuch'])).toMatchObject({
      code: 1,
      stderr: "error: command or command group 'nosuch' doesn't exist\n",
    });
  });

  it('reports a connection failure and runs nothing', async () => {
    expect(await runCli(['-c', 'test://', 'uri'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: failed to connect to the hypervisor\nerror: invalid argument: testOpen: supply a path or use test:///default\n',
    });
  });

  it('answers global options as virsh does', async () => {
    expect(await runCli(['-v'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    expect((await runCli(['-h'])).stdout).toContain('\nvirtkit [options]... [<command_string>]\n');
    expect((await onDefault('uri', '-t')).stdout).toMatch(
      /^test:\/\/\/default\n\n\(Time: \d+\.\d{3} ms\)\n\n$/,
    );
    expect(await onDefault('uri', '-k', '5')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: Cannot setup keepalive on connection as requested, disconnecting\n' +
        'error: failed to connect to the hypervisor\n' +
        'error: this function is not supported by the connection driver: virConnectSetKeepAlive\n',
    });
    expect(await runCli(['-x'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: unsupported option '-x'. See --help.\n",
    });
  });

  it('takes a command and its arguments as separate words, where ; is just data', async () => {
    const words = await runCli(['-c', 'test:///default', 'domstate', '--reason', 'test']);
    expect(words.code).toBe(0);
    expect(words.stdout).toMatch(/^running \(\w+\)\n\n$/);
    expect(await runCli(['-c', 'test:///default', 'domstate', 'test', ';', 'list'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: unexpected data ';'\n",
    });
  });

  it('connects to test:///default when no URI is configured', async () => {
    expect((await runCli(['uri'])).stdout).toBe('test:///default\n\n');
  });
});

describe('define, create and undefine from files', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'virtkit-cli-'));
    file = join(dir, 'demo.xml');
    await writeFile(
      file,
      "<domain type='test'><name>demo</name><memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>",
    );
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('defines, starts and undefines a domain', async () => {
    expect(
      await onDefault(
        `define ${file}; start demo; list --name; undefine demo; list --all --persistent --name`,
      ),
    ).toEqual({
      code: 0,
      stdout: `Domain 'demo' defined from ${file}\n\nDomain 'demo' started\n\ntest\ndemo\n\nDomain 'demo' has been undefined\n\ntest\n\n`,
      stderr: '',
    });
  });

  it('creates a transient domain', async () => {
    const { stdout } = await onDefault(`create ${file}; list --transient --name`);
    expect(stdout).toBe(`Domain 'demo' created from ${file}\n\ndemo\n\n`);
  });

  it('fails with virsh’s text for a missing file', async () => {
    expect(await onDefault(`define ${join(dir, 'nope.xml')}`)).toEqual({
      code: 1,
      stdout: '\n',
      stderr: `error: Failed to open file '${join(dir, 'nope.xml')}': No such file or directory\n`,
    });
  });
});
