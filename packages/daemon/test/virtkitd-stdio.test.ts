import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeRoot, tempRoot, VIRTKITD } from './virtkitd-harness.js';

// libvirt's ext transport runs a command and speaks the protocol on its stdin/stdout: the same
// far end the ssh transport reaches.
describe('virtkitd --stdio', () => {
  let root: string;
  let script: string;

  beforeAll(async () => {
    root = await tempRoot();
    script = join(root, 'virtkitd-stdio.sh');
    await writeFile(script, `#!/bin/sh\nexec '${process.execPath}' '${VIRTKITD}' --stdio --root '${root}'\n`);
    await chmod(script, 0o755);
  });

  afterAll(async () => {
    await removeRoot(root);
  });

  it('serves one virsh session on stdin/stdout and exits with it', async () => {
    const result = await execa(
      'virsh',
      ['-c', `test+ext:///default?command=${script}`, 'domstate --reason test; suspend test; domstate test'],
      { reject: false, timeout: 30_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe("running (unknown)\n\nDomain 'test' suspended\n\npaused\n");
  });
});
