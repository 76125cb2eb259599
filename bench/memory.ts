// Part 2, memory: the bundled action (Node 24 on dist/index.js, as the runner starts it) deploys to
// a simulated fleet of N hosts behind a local endpoint (wire-sim.ts); its peak resident set is
// read from /proc/<pid>/status (VmHWM) while it runs. The simulator lives in this process, so it
// does not count.

import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { DIST, NODE24, parseFileCommands } from '../__tests__/e2e/harness.js'
import { startWireSim } from './wire-sim.js'
import { actionEnv, runnerFiles } from './runner-files.js'

export interface MemoryResult {
  hosts: number
  result: string
  deployed: number
  /** Peak resident set of the action's process, MB. */
  peakRssMb: number
  wallMs: number
  calls: number
  callsByApi: Record<string, number>
  throttled: number
  /** Size of the GITHUB_STATE file the run left (older versions appended the journal to it). */
  stateBytes: number
  /** Largest size the journal file under RUNNER_TEMP reached during the run (sampled). */
  journalPeakBytes: number
  /** With RD_BENCH_HWM_TIMELINE: when the high-water mark rose, [ms since spawn, MB]. */
  hwmTimeline?: Array<[number, number]>
  /** The action's stderr tail when it did not succeed. */
  error?: string
}

function vmHwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}

export async function actionMemory(hosts: number): Promise<MemoryResult> {
  const wire = await startWireSim({
    hosts,
    drainS: 1,
    deployMs: 1000,
    appStartMs: 500,
    lbIntervalS: 1,
    lbThreshold: 2
  })
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rd-bench-mem-'))
  try {
    const files = runnerFiles(dir)
    const env = actionEnv(
      dir,
      wire.url,
      {
        'target-groups': 'web',
        command: 'sudo /opt/app/deploy.sh',
        'batch-size': '10%',
        'expected-version': 'v2',
        'health-timeout': '2m',
        'command-timeout': '2m'
      },
      files
    )
    // The process reports its own high-water mark as it exits (a preload with one exit handler);
    // the samples below are the fallback should it die without running it.
    const hook = path.join(dir, 'hwm-hook.cjs')
    const hwmFile = path.join(dir, 'hwm')
    writeFileSync(
      hook,
      `process.on('exit', () => { const m = /VmHWM:\\s+(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/status', 'utf8')); require('fs').writeFileSync(${JSON.stringify(hwmFile)}, m ? m[1] : '') })\n`
    )
    const started = performance.now()
    const flags = (process.env.RD_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
    const child = spawn(NODE24, [...flags, '-r', hook, DIST], {
      env,
      cwd: dir,
      stdio: ['ignore', process.env.RD_BENCH_ACTION_STDOUT ? 'inherit' : 'ignore', 'pipe']
    })
    let stderr = ''
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
    let peakKb = 0
    let journalPeakBytes = 0
    const timeline: Array<[number, number]> = []
    const journalSize = () => {
      try {
        return readdirSync(dir)
          .filter((f) => f.startsWith('rolling-deploy-journal'))
          .reduce((n, f) => Math.max(n, statSync(path.join(dir, f)).size), 0)
      } catch {
        return 0 // replaced between the listing and the stat: the next sample sees it
      }
    }
    const sample = () => {
      journalPeakBytes = Math.max(journalPeakBytes, journalSize())
      const kb = child.pid !== undefined ? vmHwmKb(child.pid) : undefined
      if (kb !== undefined && kb > peakKb) {
        peakKb = kb
        timeline.push([Math.round(performance.now() - started), Math.round(kb / 1024)])
      }
    }
    const timer = setInterval(sample, 25)
    const killer = setTimeout(() => child.kill('SIGKILL'), 15 * 60_000)
    await new Promise<void>((resolve) => child.once('exit', () => resolve()))
    clearInterval(timer)
    clearTimeout(killer)
    try {
      peakKb = Math.max(peakKb, Number(readFileSync(hwmFile, 'utf8')) || 0)
    } catch {
      // no report: the samples stand
    }
    const wallMs = performance.now() - started
    const outputs = parseFileCommands(readFileSync(files.GITHUB_OUTPUT!, 'utf8'))
    const stats = wire.sim
    const result = outputs.result ?? 'none'
    return {
      hosts,
      result,
      deployed: Number(outputs.deployed ?? 0),
      peakRssMb: peakKb / 1024,
      wallMs,
      calls: Object.values(stats.calls).reduce((a, b) => a + b, 0),
      callsByApi: { ...stats.calls },
      throttled: Object.values(stats.throttled).reduce((a, b) => a + b, 0),
      stateBytes: statSync(files.GITHUB_STATE!).size,
      journalPeakBytes,
      hwmTimeline: process.env.RD_BENCH_HWM_TIMELINE ? timeline : undefined,
      error: result === 'success' ? undefined : stderr.slice(-1500)
    }
  } finally {
    await wire.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
