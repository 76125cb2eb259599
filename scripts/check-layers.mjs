// The layer check (`npm run lint`): every import between src files must follow an allowed arrow
// of the table below, and no src files may import each other in a circle. The arrows are those of
// docs/design.md and /work/shared/ARCHITECTURE.md; a new folder must be added here before use.
//
// Usage: node scripts/check-layers.mjs [root]   (root defaults to the repository; exits 1 on a
// violation, listing each one).

import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Which layer a file under src/ belongs to. The order matters: rollout/outcome.ts (the public
 * outcome that the report, the journal and the entry read) is matched before the rest of rollout/.
 */
const LAYERS = [
  ['entry', /^(index|main|post|core-log|heap)\.ts$|^entry\//],
  ['leaf', /^(settings|constants)\.ts$/],
  ['shared', /^shared\//],
  ['ports', /^ports\//],
  ['outcome', /^rollout\/outcome\.ts$/],
  ['rollout', /^rollout\//],
  ['health', /^health\//],
  ['aws', /^aws\//],
  ['github', /^github\//],
  ['haproxy', /^haproxy\//],
  ['report', /^report\//],
  ['journal', /^journal\//],
  ['inputs', /^inputs(\.ts$|\/)/]
]

/** layer -> the layers it may import (besides itself). Entry may import anything. */
export const ARROWS = {
  entry: '*',
  leaf: ['shared'],
  shared: [],
  ports: ['shared', 'leaf'],
  outcome: ['ports', 'shared', 'leaf'],
  rollout: ['outcome', 'ports', 'shared', 'leaf', 'health'],
  // The on-host health script: text only, read by the rollout (and the test doubles).
  health: ['shared'],
  aws: ['ports', 'shared', 'leaf'],
  haproxy: ['ports', 'shared', 'leaf'],
  // An adapter: what an outcome means for a deployment is report/'s to say (deployment-text.ts).
  github: ['ports', 'shared', 'leaf'],
  report: ['outcome', 'shared', 'leaf'],
  journal: ['outcome', 'ports', 'shared', 'leaf'],
  inputs: ['shared', 'leaf']
}

export function layerOf(srcRelative) {
  const p = srcRelative.split(sep).join('/')
  for (const [name, re] of LAYERS) if (re.test(p)) return name
  return undefined
}

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) walk(p, out)
    else if (/\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

/** Import, export-from and dynamic import specifiers of one file (comments stripped first). */
export function specifiers(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
  const out = []
  const re =
    /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*\s{},$]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g
  for (const m of code.matchAll(re)) out.push(m[1] ?? m[2])
  return out
}

function resolveImport(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined // a package: not a src file
  const base = resolve(dirname(fromFile), spec)
  for (const c of [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    join(base, 'index.ts')
  ]) {
    if (existsSync(c)) return c
  }
  return base
}

export function checkLayers(root) {
  const src = join(root, 'src')
  const files = walk(src)
  const problems = []
  const graph = new Map()
  for (const file of files) {
    const rel = relative(src, file)
    const from = layerOf(rel)
    if (!from) problems.push(`src/${rel}: in no layer (add its folder to scripts/check-layers.mjs)`)
    const edges = []
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const target = resolveImport(file, spec)
      if (!target) continue
      const trel = relative(src, target)
      if (trel.startsWith('..')) {
        problems.push(`src/${rel}: imports ${spec}, outside src/`)
        continue
      }
      edges.push(target)
      const to = layerOf(trel)
      const allowed = from && (ARROWS[from] === '*' || from === to || ARROWS[from].includes(to))
      if (from && !allowed) {
        problems.push(
          `src/${rel} (${from}) imports src/${trel.split(sep).join('/')} (${to ?? 'no layer'}): not an allowed arrow`
        )
      }
    }
    graph.set(file, edges)
  }
  for (const cycle of cycles(graph)) {
    problems.push(
      `import cycle: ${cycle.map((f) => `src/${relative(src, f).split(sep).join('/')}`).join(' -> ')}`
    )
  }
  return problems
}

/** Strongly connected components of more than one file (or a file importing itself): Tarjan. */
function cycles(graph) {
  let index = 0
  const idx = new Map()
  const low = new Map()
  const stack = []
  const on = new Set()
  const found = []
  const visit = (v) => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    on.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v), low.get(w)))
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)))
    }
    if (low.get(v) === idx.get(v)) {
      const scc = []
      let w
      do {
        w = stack.pop()
        on.delete(w)
        scc.push(w)
      } while (w !== v)
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push([...scc.reverse(), scc[0]])
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) visit(v)
  return found
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'))
  const problems = checkLayers(root)
  for (const p of problems) console.error(p)
  if (problems.length > 0) {
    console.error(`check-layers: ${problems.length} problem(s)`)
    process.exit(1)
  }
  console.log('check-layers: every import follows the layer arrows; no import cycle')
}
