import { expect, test } from 'vitest';
import { formatArgsFile } from '../src/argv/args-file.js';
import { escapeComma, formatJson, formatKeyValue } from '../src/argv/option-syntax.js';

test('key=value options double commas inside values and write booleans as on/off', () => {
  expect(formatKeyValue({ '': 'socket', id: 'charmonitor', server: true, wait: false })).toBe(
    'socket,id=charmonitor,server=on,wait=off',
  );
  expect(formatKeyValue({ '': 'serial', path: '/dev/ttyS2,foo' })).toBe('serial,path=/dev/ttyS2,,foo');
  expect(escapeComma('a,b,,c')).toBe('a,,b,,,,c');
});

test('key=value options leave out undefined keys and keep the given order', () => {
  expect(formatKeyValue({ menu: undefined, 'splash-time': '3000', strict: true })).toBe(
    'splash-time=3000,strict=on',
  );
});

test('JSON options are compact, ordered as built, and drop undefined members at any depth', () => {
  const props = {
    driver: 'ide-hd',
    bus: 'ide.0',
    unit: 0,
    bootindex: undefined,
    cache: { direct: true, x: undefined },
  };
  expect(formatJson(props)).toBe('{"driver":"ide-hd","bus":"ide.0","unit":0,"cache":{"direct":true}}');
});

test('args files put each option with its value on one line and quote shell-special text', () => {
  const text = formatArgsFile({
    env: [['LC_ALL', 'C']],
    argv: [
      '/usr/bin/qemu',
      '-name',
      'guest=a,debug-threads=on',
      '-S',
      '-device',
      '{"driver":"x"}',
      '-x',
      "it's",
    ],
  });
  expect(text).toBe(
    [
      'LC_ALL=C \\',
      '/usr/bin/qemu \\',
      '-name guest=a,debug-threads=on \\',
      '-S \\',
      `-device '{"driver":"x"}' \\`,
      "-x 'it'\\''s'",
      '',
    ].join('\n'),
  );
});
