#!/usr/bin/env node
// npm run demo: a rolling deploy you can watch without an AWS account.
//
// Starts the e2e emulator (moto_server patched by __tests__/e2e/emulator/rd_moto.py: real
// commands on fake hosts, real health checks, draining), seeds 8 hosts at v1 behind one target
// group, and runs the bundled dist/index.js exactly as the GitHub runner would (INPUT_*
// variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files) to deploy v2 with `batch-size: 1, 50%`.
// One host's app keeps answering 503 after its deploy; `max-failures: 1` tolerates it.
// Prints the job summary and the JSON report, then stops everything it started.

import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { stopChildren } from './children.mjs'
import { admin, DIST, motoCheck, runAction, startEmulator } from './action-runner.mjs'

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

function checkPrerequisites() {
  const moto = motoCheck()
  if (moto.problem) fail(moto.problem)
  if (!existsSync(DIST)) fail('dist/index.js does not exist: run `npm run bundle` first.')
  return moto.version
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
