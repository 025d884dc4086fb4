import { openConnection } from '../src/index.js';
import { runDriverConformance } from '../src/testkit/index.js';
import { createMemoryDriver } from './fixtures/memory-driver.js';

const driver = createMemoryDriver();

runDriverConformance({
  name: 'memory fixture',
  open: () => openConnection('memory:///default', { drivers: [driver], env: {} }),
  sampleDomainXml: (name) => `<domain type='test'><name>${name}</name><memory>1024</memory></domain>`,
  eventTimeoutMs: 1000,
});
