import { Token } from 'aws-cdk-lib';

/** Throws when two resolved names are the same: Config identifies rules (and packs) by name. */
export function validateUniqueNames(prop: string, names: string[], nameProp: 'ruleName' | 'packName'): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (Token.isUnresolved(name)) continue;
    if (seen.has(name)) {
      throw new Error(`${prop} must have distinct names, got '${name}' twice: give one of them another ${nameProp}`);
    }
    seen.add(name);
  }
}

/** A construct id from a rule or pack name: PascalCase of its letters and digits, `incoming-ssh-disabled` → `IncomingSshDisabled`. */
export function constructIdOf(name: string): string {
  const id = name.split(/[^A-Za-z0-9]+/).filter((part) => part !== '')
    .map((part) => part[0].toUpperCase() + part.slice(1)).join('');
  return id === '' ? 'Rule' : id;
}
