export { type CapsSource, capabilitiesDocument, domainCapabilitiesDocument } from './documents.js';
