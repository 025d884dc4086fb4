// Types for the generator, so tests can run it in memory.
export const DEFAULT_PROTOCOL_DIR: string;
export const GENERATED_DIR: string;
export const PROTOCOLS: ReadonlyArray<{ module: string; source: string }>;
export function pascalCase(name: string): string;
export function generateSources(protocolDir?: string): Map<string, string>;
export function generateProtocol(protocolDir?: string): Map<string, string>;
/** The definitions of one .x file, in order (the generator's intermediate form). */
export function parseProtocol(text: string, file: string): Array<Record<string, unknown>>;
