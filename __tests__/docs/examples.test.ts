// The usage examples and the IAM docs stay true to the action: every input they pass and output
// they read exists in action.yml, docs/usage.md and docs/iam.md show the files verbatim, the
// policies grant named actions only, and README's links into docs/ lead somewhere.

import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { readActionYml } from '../support/action-yml.js'
import { DRY_RUN_POLICY_FILE, POLICY_FILE, policyActions } from '../support/iam-policy.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8')
const EXAMPLES = readdirSync(path.join(ROOT, 'docs', 'examples')).filter((f) => f.endsWith('.yml'))

/** The names action.yml declares under `inputs:` or `outputs:`. */
function actionKeys(section: 'inputs' | 'outputs'): Set<string> {
  return new Set(Object.keys(readActionYml(ROOT)[section]))
}

/** The `with:` keys of every step that uses the action, read with a YAML parser. */
function withKeys(workflow: string): string[][] {
  const doc = parse(workflow) as {
    jobs?: Record<string, { steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }>
  }
  return Object.values(doc.jobs ?? {})
    .flatMap((job) => job.steps ?? [])
    .filter((step) => step.uses === 'acme/rolling-deploy@v1')
    .map((step) => Object.keys(step.with ?? {}))
}

test('the documented examples are all there', () => {
  expect(EXAMPLES.sort()).toEqual([
    'deploy-on-push.yml',
    'manual-deploy.yml',
    'pr-dry-run.yml',
    'read-report.yml'
  ])
  const all = EXAMPLES.map((f) => read(`docs/examples/${f}`)).join('\n')
  expect(all).toContain('aws-actions/configure-aws-credentials@v6')
  expect(all).toContain('role-to-assume:')
  expect(all).toContain('workflow_dispatch:')
  expect(all).toContain('dry-run: true')
  expect(all).toContain('concurrency:')
  expect(all).toContain('fromJSON(steps.deploy.outputs.')
})

test.each(EXAMPLES)('%s passes only inputs action.yml declares, with the required ones', (file) => {
  const inputs = actionKeys('inputs')
  const steps = withKeys(read(`docs/examples/${file}`))
  expect(steps.length).toBeGreaterThan(0)
  for (const keys of steps) {
    expect(keys.filter((k) => !inputs.has(k))).toEqual([])
    expect(keys).toContain('target-groups')
    expect(keys.filter((k) => k === 'command' || k === 'document')).toHaveLength(1)
  }
})

test.each(EXAMPLES)('%s reads only outputs action.yml declares', (file) => {
  const outputs = actionKeys('outputs')
  const used = [
    ...read(`docs/examples/${file}`).matchAll(/steps\.deploy\.outputs\.([a-z-]+)/g)
  ].map((m) => m[1]!)
  expect(used.filter((o) => !outputs.has(o))).toEqual([])
})

test.each(EXAMPLES)(
  '%s asks for deployments: write exactly when it records a deployment',
  (file) => {
    const yaml = read(`docs/examples/${file}`)
    const records = withKeys(yaml).some((keys) => keys.includes('environment'))
    expect(/deployments: write/.test(yaml)).toBe(records)
  }
)

test('docs/usage.md shows every example verbatim', () => {
  const usage = read('docs/usage.md')
  for (const file of EXAMPLES) {
    expect(usage).toContain('```yaml\n' + read(`docs/examples/${file}`).trimEnd() + '\n```')
  }
})

// README shows one short example and links to docs/ for the rest (no copy to keep equal).
test("README's example passes only inputs action.yml declares, with the required ones", () => {
  const inputs = actionKeys('inputs')
  // README is markdown: read the workflow out of its yaml code blocks.
  const blocks = [...read('README.md').matchAll(/```yaml\n([\s\S]*?)\n```/g)].map((m) => m[1]!)
  // Its one block is a list of steps (a fragment of a job), not a whole workflow.
  const steps = blocks.flatMap((b) =>
    (parse(b.replace(/^ {6}/gm, '')) as Array<{ uses?: string; with?: Record<string, unknown> }>)
      .filter((step) => step.uses?.includes('rolling-deploy'))
      .map((step) => Object.keys(step.with ?? {}))
  )
  expect(steps).toHaveLength(1)
  expect(steps[0]!.filter((k) => !inputs.has(k))).toEqual([])
  expect(steps[0]).toContain('target-groups')
  expect(steps[0]).toContain('command')
})

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')

test('every docs/ link in README.md names a file and heading that exist', () => {
  const links = [...read('README.md').matchAll(/\]\((docs\/[^)#\s]*)(?:#([^)\s]+))?\)/g)]
  expect(links.length).toBeGreaterThan(10)
  for (const [, file, anchor] of links) {
    expect(existsSync(path.join(ROOT, file!))).toBe(true)
    if (!anchor) continue
    const headings = read(file!)
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => slug(l.replace(/^#+ /, '')))
    expect(headings).toContain(anchor)
  }
  // The policy README points to is the one the IAM e2e test checks.
  expect(read('README.md')).toContain('(docs/iam-policy.json)')
})

test('docs/iam.md shows both policies verbatim, and they grant named actions only', () => {
  const iam = read('docs/iam.md')
  expect(iam).toContain('```json\n' + read('docs/iam-policy.json').trimEnd() + '\n```')
  expect(iam).toContain('```json\n' + read('docs/iam-policy-dry-run.json').trimEnd() + '\n```')
  // 14, plus ListCommands (send-once), GetParametersByPath (the durable account) and the six
  // Auto Scaling calls (README, "Auto Scaling groups").
  expect(policyActions(POLICY_FILE).size).toBe(22)
  const dry = policyActions(DRY_RUN_POLICY_FILE)
  expect(dry.size).toBeGreaterThan(0)
  for (const a of dry) expect(a).toMatch(/:(Describe|List|Get)/)
  for (const a of dry) expect(policyActions(POLICY_FILE).has(a)).toBe(true)
})
