import { describe, expect, it, vi } from 'vitest';
import { isVirtError, VirtError } from '../src/index.js';

describe('VirtError across copies of core', () => {
  it('recognises a VirtError made by another copy of core', async () => {
    // A second copy of the module, as a driver imported by name beside a bundled CLI loads it.
    vi.resetModules();
    const other = await import('../src/errors/virt-error.js');
    expect(other.VirtError).not.toBe(VirtError);
    const error = new other.VirtError('NO_DOMAIN', "no domain with matching name 'x'");
    expect(error instanceof VirtError).toBe(true);
    expect(isVirtError(error, 'NO_DOMAIN')).toBe(true);
  });

  it('keeps instanceof of a subclass exact', () => {
    class Narrow extends VirtError {}
    expect(new VirtError('INTERNAL_ERROR') instanceof Narrow).toBe(false);
    expect(new Narrow('INTERNAL_ERROR') instanceof VirtError).toBe(true);
    expect(new Error('plain') instanceof VirtError).toBe(false);
  });
});
