import type { OsDef } from './domain-def.js';
import { xmlDetail } from './xml-errors.js';
import { childElements, textContent } from './xml-node.js';

/** `<os><firmware><feature name=… enabled=…/>`: the firmware features asked for, by name. */
function firmwareFeatures(os: OsDef): Map<string, string> | undefined {
  const el = os.rest?.children.find((c) => c.name === 'firmware');
  if (!el) return undefined;
  return new Map(childElements(el).map((f) => [f.attrs.name ?? '', f.attrs.enabled ?? '']));
}

/**
 * virDomainDefOSValidate: what `<loader>`, `<nvram>` and firmware autoselection allow together.
 * libvirt keeps `<nvram>` inside the loader, so either element makes a loader.
 */
export function validateOs(os: OsDef): void {
  const { loader, nvram } = os;
  const features = firmwareFeatures(os);
  // libvirt also refuses features without firmware autoselection, but only after its QEMU driver
  // may have turned a loader it recognises into firmware='efi' (when not defining): a driver's
  // post-parse question, not asked here.
  if (os.firmware) {
    if (features?.get('enrolled-keys') === 'yes' && features.get('secure-boot') === 'no') {
      throw xmlDetail(
        "firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled",
      );
    }
    if (nvram && os.firmware !== 'efi')
      throw xmlDetail(`firmware type '${os.firmware}' does not support nvram`);
  } else if ((loader || nvram) && (!loader || textContent(loader).trim() === '')) {
    throw xmlDetail('no loader path specified and firmware auto selection disabled');
  }
  const stateless = loader?.attrs.stateless;
  if (stateless === 'yes') {
    if (nvram?.attrs.template !== undefined) {
      throw xmlDetail('NVRAM template is not permitted when loader is stateless');
    }
    if (nvram) throw xmlDetail('NVRAM is not permitted when loader is stateless');
  } else if (stateless === 'no') {
    if (!os.firmware && loader?.attrs.type !== 'pflash')
      throw xmlDetail('Only pflash loader type permits NVRAM');
    if (os.firmware && os.firmware !== 'efi') throw xmlDetail('Only EFI firmware permits NVRAM');
  }
}
