import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Driver } from '../driver/index.js';
import { VirtError } from '../errors/index.js';

/** Imports a module by specifier; injectable so embedders and tests decide how packages are found. */
export type ImportModule = (specifier: string) => Promise<unknown>;

/**
 * Imports `specifier` as core would see it, then, since a driver package is usually a
 * dependency of the application and not of core, as the application in `cwd` would.
 */
export function importFromApplication(cwd: string): ImportModule {
  return async (specifier) => {
    try {
      return await import(specifier);
    } catch (error) {
      if (!isModuleNotFound(error, specifier)) throw error;
      const resolved = createRequire(join(cwd, 'package.json')).resolve(specifier);
      return import(pathToFileURL(resolved).href);
    }
  };
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /cannot find|failed to (load|resolve)/i.test(error.message)) &&
    error.message.includes(specifier)
  );
}

/**
 * Loads the `driver` export of a driver package. A package that is not installed
 * gives NO_CONNECT naming it; one that does not keep the contract gives INTERNAL_ERROR.
 */
export async function loadDriverPackage(
  pkg: string,
  uriText: string,
  importModule: ImportModule,
): Promise<Driver> {
  let module: unknown;
  try {
    module = await importModule(pkg);
  } catch (error) {
    if (isModuleNotFound(error, pkg))
      throw new VirtError('NO_CONNECT', `${uriText}: install ${pkg}`, { cause: error });
    if (error instanceof VirtError) throw error;
    throw new VirtError('INTERNAL_ERROR', `failed to load ${pkg}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const driver = (module as { driver?: Partial<Driver> } | undefined)?.driver;
  if (!driver || typeof driver.open !== 'function' || !Array.isArray(driver.schemes)) {
    throw new VirtError('INTERNAL_ERROR', `${pkg} does not export a driver`);
  }
  return driver as Driver;
}
