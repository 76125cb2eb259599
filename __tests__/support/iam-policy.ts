// The actions granted by the least-privilege policies in docs/ (as `service:Action`, the form the
// e2e emulator records calls in), for the test that compares them with the calls a run makes.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

interface Statement {
  Effect: 'Allow' | 'Deny'
  Action: string | string[]
}

interface PolicyDocument {
  Version: string
  Statement: Statement | Statement[]
}

export const POLICY_FILE = path.join(ROOT, 'docs', 'iam-policy.json')
export const DRY_RUN_POLICY_FILE = path.join(ROOT, 'docs', 'iam-policy-dry-run.json')

/** Every action an Allow statement of the policy file grants (no wildcards expected). */
export function policyActions(file: string = POLICY_FILE): Set<string> {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as PolicyDocument
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]
  const actions = new Set<string>()
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue
    for (const a of Array.isArray(s.Action) ? s.Action : [s.Action]) {
      if (a.includes('*'))
        throw new Error(`${path.basename(file)}: wildcard action ${a} is not least privilege`)
      actions.add(a)
    }
  }
  return actions
}
