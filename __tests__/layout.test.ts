// Tests mirror src/ (see __tests__/README.md): each module src/a/b.ts has its tests in
// __tests__/a/b.test.ts, so a newcomer finds a module's tests without searching, and a module
// without tests shows up here instead of in review. The other way round too: a test file whose
// module is gone (moved, renamed) fails here until it moves with it.

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Modules with no test file of their own, each for a stated reason. Keep this list short: a
 * module with behaviour is not exempt.
 */
const EXEMPT_MODULES = new Map<string, string>([
  // The ports: interfaces only, nothing runs. Their contracts are tested through the adapters
  // that implement them (aws/, haproxy/) and the orchestration that calls them (rollout/).
  ['src/ports/account-store.ts', 'interface only'],
  ['src/ports/alarms.ts', 'interface only'],
  ['src/ports/command-runner.ts', 'interface only'],
  ['src/ports/group-controller.ts', 'interface only'],
  ['src/ports/load-balancer.ts', 'interface only'],
  ['src/ports/lock-store.ts', 'interface only'],
  ['src/ports/log.ts', 'interface only'],
  // The outcome types and the rollout's context and dependencies: types only.
  ['src/rollout/outcome.ts', 'types only'],
  ['src/rollout/context.ts', 'types only'],
  ['src/rollout/deps.ts', 'types only'],
  // The tiny entry: picks main or post by the saved state; both are tested (main.test.ts,
  // post.test.ts) and the bundle that starts here is run by dist/ and e2e tests.
  ['src/index.ts', 'entry, eleven lines'],
  // Sets one V8 flag at start-up: nothing a test can read back; its effect on memory is
  // measured by `npm run bench` (BENCHMARKS.md).
  ['src/heap.ts', 'one V8 flag, measured by the benchmark']
])

/**
 * Test folders that do not mirror src/, each for a stated reason. The first three hold no
 * tests of a module; the others mirror another folder of the repository.
 */
const OTHER_TEST_FOLDERS = new Map<string, (name: string) => string | undefined>([
  // Doubles and fixtures; the documented AWS model has tests of its own there.
  ['support', () => undefined],
  // The simulator and the scenarios and invariants run on it: the whole action below main.ts.
  ['sim', () => undefined],
  // The bundle as a whole (dist/index.js run by Node 24), not one module.
  ['dist', () => undefined],
  // scripts/<name>.mjs
  ['scripts', (name) => `scripts/${name}.mjs`],
  // docs/<name> (a page or a folder of examples)
  ['docs', (name) => `docs/${name}`]
])

function walk(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`
    return entry.isDirectory() ? walk(rel) : [rel]
  })
}

const modules = walk('src').filter((f) => f.endsWith('.ts'))
// e2e has its own jest config and mirrors the action's behaviour, not modules.
const testFiles = walk('__tests__').filter(
  (f) => f.endsWith('.test.ts') && !f.startsWith('__tests__/e2e/')
)

const mirrorOf = (module: string) =>
  module.replace(/^src\//, '__tests__/').replace(/\.ts$/, '.test.ts')

test('the walk finds the modules and the tests (so the checks below are not vacuous)', () => {
  expect(modules).toContain('src/rollout/rollout.ts')
  expect(modules.length).toBeGreaterThan(50)
  expect(testFiles).toContain('__tests__/layout.test.ts')
})

test('every module in src/ has its test file at the mirrored path', () => {
  const missing = modules
    .filter((m) => !EXEMPT_MODULES.has(m))
    .filter((m) => !existsSync(path.join(ROOT, mirrorOf(m))))
    .map((m) => `${m} -> ${mirrorOf(m)}`)
  expect(missing).toEqual([])
})

test('every exemption names a module that exists and has no test file', () => {
  for (const m of EXEMPT_MODULES.keys()) {
    expect([m, existsSync(path.join(ROOT, m))]).toEqual([m, true])
    expect([m, existsSync(path.join(ROOT, mirrorOf(m)))]).toEqual([m, false])
  }
})

test('every test file has its module', () => {
  const orphans = testFiles
    .filter((t) => t !== '__tests__/layout.test.ts')
    .filter((t) => {
      const rel = t.replace(/^__tests__\//, '')
      const [top, ...rest] = rel.split('/')
      const other = OTHER_TEST_FOLDERS.get(top!)
      if (other && rest.length > 0) {
        const target = other(rest.join('/').replace(/\.test\.ts$/, ''))
        return target !== undefined && !existsSync(path.join(ROOT, target))
      }
      return !existsSync(path.join(ROOT, 'src', rel.replace(/\.test\.ts$/, '.ts')))
    })
  expect(orphans).toEqual([])
})

test('no module in src/ is over 300 lines (small modules with one job)', () => {
  const long = modules
    .map((m) => [m, readFileSync(path.join(ROOT, m), 'utf8').split('\n').length - 1] as const)
    .filter(([, lines]) => lines > 300)
  expect(long).toEqual([])
})
