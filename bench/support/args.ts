/**
 * `--name value` or `--name=value` flags after the benchmark's name. Each benchmark declares
 * its flags with defaults; an unknown flag is an error, so a typo never runs the defaults.
 */
export type Flags<T extends Record<string, number | string | boolean>> = T;

export function parseFlags<T extends Record<string, number | string | boolean>>(argv: readonly string[], defaults: T): T {
  const out: Record<string, number | string | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}; flags are --name value`);
    const [rawName, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const name = rawName.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (!(name in defaults)) throw new Error(`unknown flag --${rawName}; known: ${Object.keys(defaults).map(kebab).join(', ')}`);
    const fallback = defaults[name];
    if (typeof fallback === 'boolean') {
      // `--flag`, `--flag=false`, and `--flag false` (the form a run prints in its header).
      const next = argv[i + 1];
      const value = inline ?? (next === 'true' || next === 'false' ? argv[++i] : 'true');
      out[name] = value !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${rawName} needs a value`);
    if (typeof fallback === 'number') {
      const n = Number(value.replace(/_/g, ''));
      if (!Number.isFinite(n)) throw new Error(`--${rawName} takes a number, not ${value}`);
      out[name] = n;
    } else {
      out[name] = value;
    }
  }
  return out as T;
}

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function describeFlags(flags: Record<string, unknown>): string {
  return Object.entries(flags)
    .map(([k, v]) => `--${kebab(k)} ${v}`)
    .join(' ');
}
