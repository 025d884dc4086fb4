// The main job: a real virtual machine on QEMU when QEMU is installed, else virtkit on
// libvirt's simulated test node (test:///default).
import { execFileSync } from 'node:child_process';

function hasQemu() {
  try {
    execFileSync('qemu-system-x86_64', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

await import(hasQemu() ? './real-vm.mjs' : './test-node-tour.mjs');
