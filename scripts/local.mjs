#!/usr/bin/env node
// npm run local [-- <env file>]: run the action on your workstation, end to end, with no AWS
// account. One command: starts the e2e emulator (moto_server with fake hosts), seeds hosts at v1
// behind every target group named in INPUT_TARGET-GROUPS, then runs the bundled dist/index.js
// as the GitHub runner does, main step then post step. The inputs come from the env file (.env if
// it exists, else .env.example): INPUT_* and the debug switches; AWS always means the emulator.
// Exits with the main step's exit code (non-zero when the action failed), or the post step's.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseEnv } from 'node:util'
import { stopChildren } from './children.mjs'
import { admin, DIST, motoCheck, ROOT, runAction, startEmulator } from './action-runner.mjs'

const HOSTS = Number(process.env.LOCAL_HOSTS ?? 4)
const PASSED = /^(INPUT_|ACTIONS_STEP_DEBUG$|RUNNER_DEBUG$|AWS_REGION$)/

let dir

function cleanup() {
  stopChildren()
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
}

function fail(message) {
  console.error(`\n✖ ${message}`)
  cleanup()
  process.exit(1)
}

process.on('exit', cleanup)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping`)
    cleanup()
    process.exit(130)
  })
}

/** The env file's variables the action reads; the rest (AWS, runner files) is set here. */
function loadEnvFile() {
  const given = process.argv[2]
  const file = given ?? (existsSync(path.join(ROOT, '.env')) ? '.env' : '.env.example')
  const full = path.resolve(ROOT, file)
  if (!existsSync(full)) fail(`${file} does not exist`)
  const vars = parseEnv(readFileSync(full, 'utf8'))
  return { file, env: Object.fromEntries(Object.entries(vars).filter(([k]) => PASSED.test(k))) }
}

/** Target group names from the input (ARNs are reduced to their name: the emulator's own). */
function targetGroupNames(value) {
  return (value ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s.startsWith('arn:') ? (s.split(':').pop() ?? s).split('/')[1] : s))
}

async function main() {
  const moto = motoCheck()
  if (moto.problem) fail(moto.problem)
  if (!existsSync(DIST)) fail('dist/index.js does not exist: run `npm run bundle` first.')
  const { file, env } = loadEnvFile()
  const groups = targetGroupNames(env['INPUT_TARGET-GROUPS'])

  dir = mkdtempSync(path.join(os.tmpdir(), 'rolling-deploy-local-'))
  console.log(`● Inputs from ${file}; starting the AWS emulator (moto ${moto.version})…`)
  const emu = await startEmulator(path.join(dir, 'hosts'))
  if (groups.length > 0) {
    const seeded = await admin(emu.port, 'POST', '/_rd/seed', {
      hosts: HOSTS,
      version: 'v1',
      targetGroups: groups.map((name) => ({ name }))
    })
    console.log(
      `  ${seeded.hosts.length} hosts at v1 behind ${groups.map((g) => `"${g}"`).join(', ')} ` +
        `(emulator on http://127.0.0.1:${emu.port}; LOCAL_HOSTS=n for another count)`
    )
  }

  console.log('\n● Main step (dist/index.js as the runner runs it):')
  const main = await runAction(emu.port, path.join(dir, 'run'), {}, env)
  const stateEnv = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]))
  console.log('\n● Post step:')
  const post = await runAction(emu.port, path.join(dir, 'run'), {}, { ...env, ...stateEnv })

  console.log(
    '\n──────────────────────────── job summary (markdown) ────────────────────────────\n'
  )
  console.log(main.summary || '(the main step wrote no summary)')
  if (post.summary) console.log(post.summary)
  console.log('────────────────────────────────────────────────────────────────────────────────')
  console.log(
    `\n● result: ${main.outputs.result ?? '(none)'} · main step exit ${main.code} · post step exit ${post.code}`
  )
  for (const step of [main, post]) {
    if (step.code !== 0 && step.stderr.trim())
      console.error(step.stderr.split('\n').slice(-30).join('\n'))
  }
  if (main.code !== 0) fail(`the action failed (main step exit ${main.code})`)
  if (post.code !== 0) fail(`the post step failed (exit ${post.code})`)
}

main()
  .then(() => {
    cleanup()
    process.exit(0)
  })
  .catch((err) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)))
