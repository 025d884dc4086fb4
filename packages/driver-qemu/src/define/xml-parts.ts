import { textContent, type XmlElement } from '@virtkit/core';

/** The text of an element, trimmed (`<loader>PATH</loader>`); empty for none. */
export function textOf(el: XmlElement | undefined): string {
  return el ? textContent(el).trim() : '';
}
