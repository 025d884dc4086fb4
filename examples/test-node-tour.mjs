// virtkit managing libvirt's test node (test:///default), the way a newcomer with nothing but
// Node meets it. Each step is one virtkit process, as a user would type it; steps that share
// state run as one `;`-separated invocation, as with virsh. `node examples/test-node-tour.mjs`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const virtkit = fileURLToPath(new URL('../packages/cli/bin/virtkit.js', import.meta.url));

const steps = [
  ['list', '--all'],
  ['dominfo', 'test'],
  ['suspend test; domstate --reason test; resume test; domstate --reason test'],
  ['reboot test; domstate --reason test; shutdown test; domstate --reason test; list --all'],
];

for (const args of steps) {
  console.log(`$ virtkit -c test:///default ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`);
  process.stdout.write(execFileSync(process.execPath, [virtkit, '-c', 'test:///default', ...args]));
}
