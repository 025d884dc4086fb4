import { VirtError } from '../errors/index.js';

/** libvirt's VIR_ERR_XML_ERROR from the domain XML code. */
export function xmlError(detail: string): VirtError {
  return new VirtError('XML_ERROR', detail, { domain: 'DOMAIN' });
}

/** VIR_ERR_XML_DETAIL, whose message is the bare detail. */
export function xmlDetail(detail: string): VirtError {
  return new VirtError('XML_DETAIL', detail, { domain: 'DOMAIN' });
}

export function unsupported(detail: string): VirtError {
  return new VirtError('CONFIG_UNSUPPORTED', detail, { domain: 'DOMAIN' });
}

export function internalError(detail: string): VirtError {
  return new VirtError('INTERNAL_ERROR', detail, { domain: 'DOMAIN' });
}

/** virXMLProp*'s message for an attribute value it cannot accept. */
export function invalidAttr(attr: string, elementName: string, value: string, expected?: string): VirtError {
  const suffix = expected ? ` ${expected}` : '';
  return xmlError(`Invalid value for attribute '${attr}' in element '${elementName}': '${value}'.${suffix}`);
}

export function missingAttr(attr: string, elementName: string): VirtError {
  return xmlError(`Missing required attribute '${attr}' in element '${elementName}'`);
}
