/**
 * The key material each party's set holds now, shared by the parties' key sets. A key found in
 * two parties' sets is trusted by neither: the issuer is what selects a party, and a key both
 * sets list could sign for either ministry; which of the two it really belongs to cannot be told
 * from here. (Refusing the whole refresh instead would also hold back a legitimate rotation by
 * the other party, and leave the key trusted by whichever set was fetched first.)
 */
export class HeldKeys {
  private readonly held = new Map<string, ReadonlySet<string>>();
  private readonly onChange = new Map<string, () => void>();

  /** `holder` takes part; `onChange` runs when another holder's keys change. */
  join(holder: string, onChange: () => void): void {
    this.onChange.set(holder, onChange);
  }

  /** `holder` now holds these keys (key material, see keyMaterial); the others re-check theirs. */
  hold(holder: string, materials: ReadonlySet<string>): void {
    this.held.set(holder, materials);
    for (const [other, changed] of this.onChange) if (other !== holder) changed();
  }

  /** Every key some holder other than `holder` holds. */
  heldBesides(holder: string): Set<string> {
    const besides = new Set<string>();
    for (const [other, materials] of this.held) if (other !== holder) for (const m of materials) besides.add(m);
    return besides;
  }
}
