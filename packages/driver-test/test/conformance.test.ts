import { runDriverConformance } from '@virtkit/core/testkit';
import { open } from './helpers.js';

/** libvirt 9's test driver checks state itself, with INTERNAL_ERROR texts of its own (as virsh shows). */
const internal = (detail: (name: string) => string) => ({ code: 'INTERNAL_ERROR' as const, message: detail });

runDriverConformance({
  name: 'test:///default',
  open: () => open('test:///default'),
  sampleDomainXml: (name) =>
    `<domain type='test'><name>${name}</name><memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`,
  refusals: {
    'start-active': internal((name) => `internal error: Domain '${name}' is already running`),
    'start-paused': {
      code: 'INVALID_ARG',
      message: () => 'unsupported flags (0x1) in function testDomainCreateWithFlags',
    },
    'suspend-paused': internal((name) => `internal error: domain '${name}' not running`),
    'resume-running': internal((name) => `internal error: domain '${name}' not paused`),
    'suspend-inactive': internal((name) => `internal error: domain '${name}' not running`),
    'resume-inactive': internal((name) => `internal error: domain '${name}' not paused`),
    'shutdown-inactive': internal((name) => `internal error: domain '${name}' not running`),
    'undefine-transient': 'accepted',
  },
});
