// Everything a finished run tells its workflow: outputs, the JSON report file, the job summary.

import * as core from '@actions/core'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Output } from '../constants.js'
import type { Settings } from '../settings.js'
import type { RolloutOutcome } from '../rollout/outcome.js'
import { buildReport, countStates } from './json.js'
import { renderSummary } from './summary.js'

export async function writeReportFile(
  json: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<string> {
  const dir = env.RUNNER_TEMP || tmpdir()
  await mkdir(dir, { recursive: true })
  const run =
    [env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-') || String(process.pid)
  const file = join(dir, `rolling-deploy-report-${run}.json`)
  await writeFile(file, json + '\n', 'utf8')
  return file
}

export async function publish(outcome: RolloutOutcome, settings: Settings): Promise<void> {
  const report = buildReport(outcome)
  const json = JSON.stringify(report)
  const counts = countStates(outcome.hosts)
  core.setOutput(Output.Result, outcome.result)
  core.setOutput(Output.Deployed, counts.deployed)
  core.setOutput(Output.Failed, counts.failed)
  core.setOutput(Output.Skipped, counts.skipped)
  core.setOutput(Output.Pending, counts.pending)
  core.setOutput(Output.Report, json)
  const reportFile = await writeReportFile(JSON.stringify(report, null, 2))
  core.setOutput(Output.ReportFile, reportFile)
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(renderSummary(outcome, settings, reportFile)).write()
  }
}
