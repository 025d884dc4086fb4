import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/index.js';

describe('isProcessAlive', () => {
  it('counts this process alive and an unused pid dead', async () => {
    expect(await isProcessAlive(process.pid)).toBe(true);
    expect(await isProcessAlive(2 ** 22 + 1)).toBe(false);
  });

  it.runIf(process.platform === 'linux')(
    'counts a zombie dead, though signal 0 still reaches it',
    async () => {
      // The child ends after its parent has been exec'd into `sleep 8`, which never reaps it: a zombie.
      // (A child that ended before the exec could be reaped by the shell itself.)
      const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 8'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      try {
        const [line] = (await once(parent.stdout, 'data')) as [Buffer];
        const zombie = Number(line.toString().trim());
        // It stays a zombie for as long as `sleep 8` runs.
        await expect.poll(() => isProcessAlive(zombie), { timeout: 4000 }).toBe(false);
        expect(() => process.kill(zombie, 0)).not.toThrow();
      } finally {
        parent.kill('SIGKILL');
      }
    },
  );
});
