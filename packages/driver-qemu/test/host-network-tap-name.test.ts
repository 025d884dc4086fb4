import { describe, expect, it } from 'vitest';
import { checkTapName } from '../src/host-network/index.js';

// Texts checked against libvirt 9.0 here (`virsh create` with such a <target dev>).
describe('tap names given in <target dev>', () => {
  it.each([
    [
      'abcdefghijklmnopq',
      "Network interface name 'abcdefghijklmnopq' is too long: Numerical result out of range",
    ],
    ['a/b', 'Unable to create tap device a/b: Invalid argument'],
    ['tap 0', 'Unable to create tap device tap 0: Invalid argument'],
    ['..', 'Unable to create tap device ..: Invalid argument'],
  ])("refuses '%s' with libvirt's error", (name, message) => {
    expect(() => checkTapName(name)).toThrow(message);
  });

  it.each(['vnet0', 'mytap0', '-tap', 'abcdefghijklmno'])("accepts '%s'", (name) => {
    expect(() => checkTapName(name)).not.toThrow();
  });
});
