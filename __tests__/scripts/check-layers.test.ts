// The layer check run as `npm run lint` runs it, on fixture trees: it must pass a clean tree and
// fail (exit 1, naming the file) on an arrow against the layers and on an import cycle.

import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const script = join(process.cwd(), 'scripts', 'check-layers.mjs')
const roots: string[] = []

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'check-layers-'))
  roots.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

function check(root: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true })
})

const clean = {
  'src/shared/errors.ts': 'export const errorName = (e: unknown) => String(e)\n',
  'src/ports/log.ts': "import type { X } from '../shared/errors.js'\nexport interface Log {}\n",
  'src/rollout/outcome.ts': 'export type RunResult = string\n',
  'src/rollout/run.ts':
    "import { errorName } from '../shared/errors.js'\nimport type { Log } from '../ports/log.js'\n",
  'src/aws/elb.ts': "import type { Log } from '../ports/log.js'\n",
  'src/report/summary.ts': "import type { RunResult } from '../rollout/outcome.js'\n",
  'src/main.ts': "import './aws/elb.js'\nimport { run } from './rollout/run.js'\n"
}

test('a tree whose imports follow the arrows passes', () => {
  const r = check(tree(clean))
  expect(r.out).toContain('no import cycle')
  expect(r.status).toBe(0)
})

test('the orchestration importing an adapter fails, naming the file and both layers', () => {
  const r = check(tree({ ...clean, 'src/rollout/run.ts': "import { x } from '../aws/elb.js'\n" }))
  expect(r.status).toBe(1)
  expect(r.out).toContain(
    'src/rollout/run.ts (rollout) imports src/aws/elb.ts (aws): not an allowed arrow'
  )
})

test('the report reading a rollout file other than outcome.ts fails; an export-from counts', () => {
  const r = check(
    tree({ ...clean, 'src/report/summary.ts': "export { a } from '../rollout/run.js'\n" })
  )
  expect(r.status).toBe(1)
  expect(r.out).toContain('src/report/summary.ts (report) imports src/rollout/run.ts (rollout)')
})

test('an import cycle fails even within one layer, multi-line and type-only imports included', () => {
  const r = check(
    tree({
      ...clean,
      'src/shared/a.ts': "import type {\n  B\n} from './b.js'\nexport type A = 1\n",
      'src/shared/b.ts': "import { c } from './c.js'\nexport type B = 2\n",
      'src/shared/c.ts': "import type { A } from './a.js'\nexport const c = 3\n"
    })
  )
  expect(r.status).toBe(1)
  expect(r.out).toMatch(/import cycle: src\/shared\/[abc]\.ts -> .* -> src\/shared\/[abc]\.ts/)
  expect(r.out).not.toContain('not an allowed arrow')
})

test('a file in no known folder fails, so a new folder must be given its arrows', () => {
  const r = check(tree({ ...clean, 'src/fleet/types.ts': 'export type Host = string\n' }))
  expect(r.status).toBe(1)
  expect(r.out).toContain('src/fleet/types.ts: in no layer')
})
