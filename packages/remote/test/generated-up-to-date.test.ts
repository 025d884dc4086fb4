import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR, generateProtocol, PROTOCOLS } from '../scripts/generate-protocol.mjs';

// Fails when someone edits the generator or the .x files without running `pnpm generate`,
// or edits a generated file by hand.
describe('checked-in generated protocol', () => {
  const generated = generateProtocol();

  it('has one module per protocol file', () => {
    expect([...generated.keys()].sort()).toEqual(PROTOCOLS.map((p) => p.module).sort());
  });

  it.each(PROTOCOLS.map((p) => p.module))('%s.ts is what the generator produces now', (module) => {
    const checkedIn = readFileSync(join(GENERATED_DIR, `${module}.ts`), 'utf8');
    expect(checkedIn === generated.get(module)).toBe(true);
  });
});
