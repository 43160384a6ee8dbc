import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, line, title } from './report';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a process's CPU went (node --cpu-prof, or the inspector's profiler): self time by package / area, and the top
 * functions. Printed, so RESULTS.md can quote the profile behind each figure.
 */
export function printCpuProfile(dir: string, top = 20, label = 'service CPU profile') {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) {
    line('  (no .cpuprofile written)');
    return;
  }
  const self = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  let total = 0;
  for (const file of files) {
    const profile = readProfile(join(dir, file));
    for (const node of profile.nodes) byId.set(node.id, node);
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      self.set(id, (self.get(id) ?? 0) + dt);
      total += dt;
    });
  }
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = frame.url ? `${shorten(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  title(`${label}: ${(total / 1e6).toFixed(1)} s sampled, self time by area`);
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 16)) figure(area, (us / total) * 100, '%');
  title(`${label}: top ${top} functions by self time`);
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) figure(fn.slice(0, 110), (us / total) * 100, '%');
}

/**
 * A profile whose frames in a bundle (the service runs as services/api/dist/main.mjs) are
 * put back in their source files through the bundle's source map, so self time is still told
 * by package.
 */
function readProfile(file: string): Profile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const maps = new Map<string, SourceMap | null>();
  for (const { callFrame: frame } of profile.nodes) {
    if (!frame.url.startsWith('file://') || !frame.url.endsWith('.mjs')) continue;
    if (!maps.has(frame.url)) {
      const mapFile = `${fileURLToPath(frame.url)}.map`;
      maps.set(frame.url, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
    }
    const entry = maps.get(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber) as
      { originalSource?: string; originalLine?: number } | undefined;
    if (!entry?.originalSource) continue;
    frame.url = new URL(entry.originalSource, frame.url).href;
    frame.lineNumber = entry.originalLine ?? frame.lineNumber;
  }
  return profile;
}

function shorten(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) return url.slice(i + 'node_modules/'.length);
  const r = url.indexOf('/packages/') >= 0 ? url.indexOf('/packages/') : url.indexOf('/services/');
  return r >= 0 ? url.slice(r + 1) : url.replace(/^file:\/\//, '');
}

function areaOf(url: string, fn: string): string {
  if (!url) {
    if (fn === '(garbage collector)') return '(garbage collector)';
    if (fn === '(idle)' || fn === '(program)') return fn;
    return `(native) ${fn || ''}`.trim();
  }
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) {
    const rest = url.slice(i + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(packages|services)\/([^/]+)\//.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  return url.replace(/^file:\/\//, '');
}

/** Diagnostic: the callers (up to `depth` frames) of functions named `name`, by self time. */
export function printCallers(dir: string, name: string, depth = 12, top = 12) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const counts = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const profile = readProfile(join(dir, file));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      total += dt;
      if (byId.get(id)!.callFrame.functionName !== name) return;
      const chain: string[] = [];
      for (let p = parent.get(id); p !== undefined && chain.length < depth; p = parent.get(p)) {
        const f = byId.get(p)!.callFrame;
        chain.push(`${f.functionName || '(anon)'}@${shorten(f.url)}:${f.lineNumber + 1}`);
      }
      const key = chain.join(' < ');
      counts.set(key, (counts.get(key) ?? 0) + dt);
    });
  }
  title(`callers of ${name}`);
  for (const [k, us] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, top))
    line(`  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}
