import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpareControllers } from '../src/controller-client/index.js';
import { findControllers, killLeftoverControllers } from '../src/testing/index.js';
import { requireBuiltController, waitFor } from './controller-harness.js';

let base: string;

beforeAll(async () => {
  requireBuiltController();
  base = await mkdtemp(join(tmpdir(), 'vk-spare-'));
});

afterAll(async () => {
  await killLeftoverControllers(base);
  await rm(base, { recursive: true, force: true });
});

const spares = () => findControllers(base).then((found) => found.filter((c) => c.spare));

describe('spare controllers', () => {
  it('keeps one spare waiting, and it exits when the manager lets it go', async () => {
    const pool = new SpareControllers(join(base, 'run'));
    pool.refill();
    pool.refill();
    const [spare] = await waitFor('a spare', async () =>
      (await spares()).length > 0 ? spares() : undefined,
    );
    expect(await spares()).toHaveLength(1);
    expect(spare?.runDir).toBe(join(base, 'run'));
    pool.close();
    await waitFor('the spare to exit', async () => ((await spares()).length === 0 ? true : undefined));
  });

  it('are found and stopped as leftovers', async () => {
    const pool = new SpareControllers(join(base, 'run'));
    pool.refill();
    await waitFor('a spare', async () => ((await spares()).length > 0 ? true : undefined));
    expect(await killLeftoverControllers(base)).toBe(1);
    expect(await spares()).toHaveLength(0);
  });
});
