// A fake reboot and a real shutdown walked through core's lifecycle policy, printed as
// `virsh domstate --reason` and `virsh event` would show them, after a domain definition in
// libvirt's canonical form. No hypervisor needed: `node examples/fake-reboot-policy.mjs`.
import {
  decide,
  formatDomainXml,
  formatLifecycle,
  formatState,
  NO_POLICY_FLAGS,
  parseDomainXml,
} from '@virtkit/core';

const def = parseDomainXml(`<domain type='qemu'>
  <name>demo</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/virtkit/images/powerbutton.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='pty'/>
  </devices>
</domain>`);

console.log('# The definition, as libvirt formats it (memory normalised to KiB, defaults filled in)\n');
console.log(formatDomainXml(def, { inactive: true }));

const config = { onPoweroff: def.onPoweroff, onReboot: def.onReboot, onCrash: def.onCrash };

function walk(title, inputs) {
  console.log(`# ${title}\n`);
  let current = { state: 'running', reason: 'booted', flags: NO_POLICY_FLAGS, job: 'none' };
  console.log(`${'start'.padEnd(34)} ${formatState(current, true)}`);
  for (const input of inputs) {
    const { next, emit, do: actions } = decide(current, input, config);
    current = { ...next, job: current.job };
    const events = emit.map((e) => (e.id === 'lifecycle' ? `lifecycle: ${formatLifecycle(e)}` : e.id));
    const label = `${input.type}${input.mode ? `{${input.mode}}` : ''}`;
    console.log(
      `${label.padEnd(34)} ${formatState(current, true).padEnd(22)} do [${actions.join(', ')}]  events [${events.join('; ')}]`,
    );
  }
  console.log('');
}

// What QEMU reports when libvirt reboots a guest by ACPI: SHUTDOWN, STOP, RESET, RESUME.
walk('Fake reboot: virsh reboot --mode acpi (the domain never leaves running)', [
  { type: 'host-reboot', mode: 'acpi' },
  { type: 'guest-shutdown', guestInitiated: false },
  { type: 'guest-stopped' },
  { type: 'guest-reset', guestInitiated: false },
  { type: 'guest-resumed' },
]);

walk('Real shutdown: virsh shutdown --mode acpi', [
  { type: 'host-shutdown', mode: 'acpi' },
  { type: 'guest-shutdown', guestInitiated: false },
  { type: 'guest-gone' },
]);
