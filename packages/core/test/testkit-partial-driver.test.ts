import { openConnection } from '../src/index.js';
import { runDriverConformance } from '../src/testkit/index.js';
import { createMemoryDriver, withoutOperations } from './fixtures/memory-driver.js';

// A driver without pause, guest-driven or transient operations: the kit must assert
// NO_SUPPORT for each and skip what needs them, rather than fail.
const driver = withoutOperations(createMemoryDriver(), [
  'suspend',
  'resume',
  'shutdown',
  'reboot',
  'createXml',
]);

runDriverConformance({
  name: 'memory fixture without suspend, resume, shutdown, reboot, createXml',
  open: () => openConnection('memory:///default', { drivers: [driver], env: {} }),
  sampleDomainXml: (name) => `<domain type='test'><name>${name}</name><memory>1024</memory></domain>`,
  eventTimeoutMs: 1000,
});
