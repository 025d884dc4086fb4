import {
  type DomainDef,
  type DomainListing,
  type DomainRef,
  isActiveState,
  NO_POLICY_FLAGS,
  type PolicyFlags,
  type StateWithReason,
} from '@virtkit/core';
import { parseTestDomain } from './domain-xml.js';

/** Where a domain's definition comes from: already parsed, or XML parsed on first use. */
export type DefinitionSource = { readonly def: DomainDef } | { readonly xml: string };

/** One domain of a test node: its definition(s) and the runtime state libvirt keeps in virDomainObj. */
export class TestDomain {
  readonly name: string;
  readonly uuid: string;
  id = -1;
  state: StateWithReason = { state: 'shutoff', reason: 'unknown' };
  flags: PolicyFlags = NO_POLICY_FLAGS;
  persistent: boolean;
  autostart = false;
  managedSave = false;
  /** The config a redefinition gave a running domain: it takes over when the domain stops. */
  nextDef: DomainDef | undefined;
  #def: DomainDef | undefined;
  #xml: string | undefined;

  constructor(name: string, uuid: string, source: DefinitionSource, persistent: boolean) {
    this.name = name;
    this.uuid = uuid;
    this.persistent = persistent;
    if ('def' in source) this.#def = source.def;
    else this.#xml = source.xml;
  }

  /** The current definition (the live one while active); a loaded node's domains are parsed here, once. */
  get def(): DomainDef {
    if (this.#def === undefined) {
      // The node loader already gave this domain its name and UUID (generated if absent).
      this.#def = { ...parseTestDomain(this.#xml as string), uuid: this.uuid };
      this.#xml = undefined;
    }
    return this.#def;
  }

  set def(def: DomainDef) {
    this.#def = def;
    this.#xml = undefined;
  }

  get active(): boolean {
    return isActiveState(this.state.state);
  }

  get ref(): DomainRef {
    return { name: this.name, uuid: this.uuid, id: this.id };
  }

  listing(): DomainListing {
    return {
      domain: this.ref,
      state: this.state,
      persistent: this.persistent,
      autostart: this.autostart,
      managedSave: this.managedSave,
    };
  }

  /** The domain stopped: the pending config, if any, becomes the definition (virDomainObjRemoveTransientDef). */
  stopped(): void {
    this.id = -1;
    if (this.nextDef) this.def = this.nextDef;
    this.nextDef = undefined;
  }
}
