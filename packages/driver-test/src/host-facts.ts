import type { SecurityLabel, SecurityModel } from '@virtkit/core';

/** What libvirt's test driver answers about its pretend hypervisor. */
export const HYPERVISOR_TYPE = 'TEST';
/** 0.0.2, libvirt's encoding: major * 1,000,000 + minor * 1,000 + release. */
export const HYPERVISOR_VERSION = 2;
export const MAX_VCPUS = 32;
/** The guest OS type every test domain reports, whatever its XML says. */
export const GUEST_OS_TYPE = 'linux';
export const SECURITY_MODEL: SecurityModel = { model: 'testSecurity', doi: '' };
/** Running domains carry this label; inactive ones have none. */
export const ACTIVE_SECURITY_LABEL: SecurityLabel = { label: 'libvirt-test', enforcing: true };

/**
 * The library version is virtkit's own (0.1.0), encoded as above. A constant rather than a read of
 * package.json, so the driver still works bundled; a test keeps the two in step.
 */
export const LIBRARY_VERSION = 1_000;
