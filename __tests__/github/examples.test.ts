// The usage examples and the IAM docs stay true to the action: every input they pass and output
// they read exists in action.yml, docs/usage.md and docs/iam.md show the files verbatim, and the
// policies grant named actions only.

import { readFileSync, readdirSync } from 'node:fs'
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

test('README.md shows every example and the IAM policy verbatim', () => {
  const readme = read('README.md')
  for (const file of EXAMPLES) {
    expect(readme).toContain('```yaml\n' + read(`docs/examples/${file}`).trimEnd() + '\n```')
  }
  expect(readme).toContain('```json\n' + read('docs/iam-policy.json').trimEnd() + '\n```')
})

test('docs/iam.md shows both policies verbatim, and they grant named actions only', () => {
  const iam = read('docs/iam.md')
  expect(iam).toContain('```json\n' + read('docs/iam-policy.json').trimEnd() + '\n```')
  expect(iam).toContain('```json\n' + read('docs/iam-policy-dry-run.json').trimEnd() + '\n```')
  expect(policyActions(POLICY_FILE).size).toBe(14)
  const dry = policyActions(DRY_RUN_POLICY_FILE)
  expect(dry.size).toBeGreaterThan(0)
  for (const a of dry) expect(a).toMatch(/:(Describe|List|Get)/)
  for (const a of dry) expect(policyActions(POLICY_FILE).has(a)).toBe(true)
})
