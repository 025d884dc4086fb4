// The side-by-side comparison rewrites only what the issue lets differ; these pin that down.
import { describe, expect, it } from 'vitest';
import { normalise } from './side-by-side/normalise.js';

describe('normalise', () => {
  it('hides the CPU time and event timestamps, which change by themselves', () => {
    const text = [
      'CPU(s):         2',
      'CPU time:       1795631607.6s',
      "2026-11-25 18:40:00.123+0000: event 'lifecycle' for domain 'test': Suspended Paused",
    ].join('\n');
    expect(normalise(text)).toBe(
      [
        'CPU(s):         2',
        'CPU time:       <cpu time>s',
        "<timestamp>: event 'lifecycle' for domain 'test': Suspended Paused",
      ].join('\n'),
    );
  });

  it('leaves versions and help alone unless a case opts in', () => {
    const text = 'Compiled against library: libvirt 9.0.0\n    list                           list domains\n';
    expect(normalise(text)).toBe(text);
  });

  it('compares version output by its labels only', () => {
    expect(
      normalise('Using library: virtkit 0.1.0\nRunning hypervisor: TEST 0.0.2\n', ['versionLayout']),
    ).toBe('Using library: <version>\nRunning hypervisor: <version>\n');
  });

  it('reduces help to its layout, however many groups and commands it lists', () => {
    const virsh = [
      'Grouped commands:',
      '',
      " Domain Management (help keyword 'domain'):",
      '    autostart                      autostart a domain',
      '    create                         create a domain from an XML file',
      '',
      " Virsh itself (help keyword 'virsh'):",
      '    quit                           quit this interactive terminal',
      '',
      '',
    ].join('\n');
    const virtkit = [
      'Grouped commands:',
      '',
      " Domain Management (help keyword 'domain'):",
      '    start                          start a (previously defined) inactive domain',
      '',
      '',
    ].join('\n');
    expect(normalise(virtkit, ['helpLayout'])).toBe(normalise(virsh, ['helpLayout']));
  });

  it("maps the interactive shell's name onto virsh's", () => {
    expect(
      normalise('Welcome to virtkit, the virtualization interactive terminal.\nvirtkit # list\n', [
        'shellName',
      ]),
    ).toBe('Welcome to virsh, the virtualization interactive terminal.\nvirsh # list\n');
  });
});
