// FleetSim: a deterministic simulation of an EC2 fleet behind ELBv2 target groups, deployed to
// through SSM Run Command, on virtual time.
//
// It answers the AWS calls the action makes through the SDK clients themselves (aws-sdk-client-mock
// stubs `send` on three client instances; one fake routes each command by its class, as
// `mock.on(XCommand).callsFake(...)` would, without sinon's per-call matching cost), keeping real
// state:
//
// - target groups with their health-check settings and deregistration delay; registrations per
//   group and port; target health computed from the host's app at each health check by the shared
//   AWS model in ../support/aws-model/ (target-health.ts: the first check within one interval of
//   the registration, `healthy` after ONE pass, the thresholds only from `unhealthy`, `draining`
//   for the whole delay, then gone). The model's comments cite the AWS pages; the fake world of
//   the unit tests uses the same model;
// - Run Command invocations that take time and end Success / Failed / TimedOut (execution or
//   delivery) / Undeliverable / Cancelled, as SSM reports them (Status + StatusDetails);
// - an app per host that reports its version on the health path, is down while a deploy runs,
//   restarts after it, and answers the on-host health check script (src/health/script.ts);
// - AWS limits: 50 instance IDs per SendCommand, ELB's token buckets, an SSM rate;
// - faults per host (deploy fails, hangs, is undeliverable, never healthy, healthy late, wrong
//   version, unhealthy before the run, terminated by autoscaling, health flaps) and per call
//   (throttling or 5xx by API, by call number or with a seeded probability);
// - monitors: a deploy command sent to a host still registered or draining anywhere is a
//   violation; hosts out of service over time; a traffic model counting dropped requests, whose
//   routing is the model's data plane (aws-model/data-plane.ts: a deregistered target that was in
//   service still gets new requests for the group's window, measured by users, not documented).
//
// Nothing here reads the real clock: every state is computed from `clock.now()`, lazily, and the
// traffic model integrates over the clock's advances. The same module carries the benchmarks
// (`stats()` is what they record).
//
//   const clock = new VirtualClock()
//   const sim = new FleetSim(clock, fleet, { hosts: { 'i-0…': { deploy: 'fail' } } })
//   const outcome = await clock.run(rollout(settings, { ...awsPorts(sim.clients), clock, log }))
//   expect(sim.violations).toEqual([])

import {
  CloudWatchClient,
  CloudWatchServiceException,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  type DescribeAlarmsCommandOutput
} from '@aws-sdk/client-cloudwatch'
import {
  DeregisterTargetsCommand,
  type DeregisterTargetsCommandInput,
  DescribeTargetGroupAttributesCommand,
  type DescribeTargetGroupAttributesCommandInput,
  type DescribeTargetGroupAttributesCommandOutput,
  DescribeTargetGroupsCommand,
  type DescribeTargetGroupsCommandInput,
  type DescribeTargetGroupsCommandOutput,
  DescribeTargetHealthCommand,
  type DescribeTargetHealthCommandInput,
  type DescribeTargetHealthCommandOutput,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  InvalidTargetException,
  RegisterTargetsCommand,
  type RegisterTargetsCommandInput,
  TargetGroupNotFoundException,
  type TargetGroup as SdkTargetGroup,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  CancelCommandCommand,
  type CancelCommandCommandInput,
  type CommandInvocation,
  type CommandPluginStatus,
  DeleteParameterCommand,
  type DeleteParameterCommandInput,
  DescribeInstanceInformationCommand,
  type DescribeInstanceInformationCommandInput,
  type DescribeInstanceInformationCommandOutput,
  GetCommandInvocationCommand,
  type GetCommandInvocationCommandInput,
  type GetCommandInvocationCommandOutput,
  GetParameterCommand,
  type GetParameterCommandInput,
  type GetParameterCommandOutput,
  InternalServerError,
  InvalidCommandId,
  InvalidInstanceId,
  InvocationDoesNotExist,
  ListCommandInvocationsCommand,
  type ListCommandInvocationsCommandInput,
  type ListCommandInvocationsCommandOutput,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  type PutParameterCommandInput,
  type PutParameterCommandOutput,
  SSMClient,
  SendCommandCommand,
  type SendCommandCommandInput,
  type SendCommandCommandOutput,
  ThrottlingException,
  ValidationException
} from '@aws-sdk/client-ssm'
import { mockClient } from 'aws-sdk-client-mock'
import { HEALTH_MARKER, readHealthScript, type HealthWait } from '../../src/health/script.js'
import type { Log } from '../../src/ports/log.js'
import type { VirtualClock } from '../support/virtual-clock.js'
import {
  targetGroupSettings,
  type TargetGroupModelSettings
} from '../support/aws-model/settings.js'
import {
  applyChecks,
  drainingMs,
  firstCheckAt,
  healthOf,
  newCounters,
  type Counters
} from '../support/aws-model/target-health.js'
import { routesGiven } from '../support/aws-model/data-plane.js'
import {
  invocationAt as modelInvocationAt,
  type InvocationModel,
  type InvocationStatus as ModelStatus
} from '../support/aws-model/invocations.js'

// ---------------------------------------------------------------------------------------------
// Description of a fleet and of its faults
// ---------------------------------------------------------------------------------------------

export interface SimGroupSpec {
  name: string
  /** The group's port: traffic port of targets registered without one. Default 80. */
  port?: number
  /** Default 300 (AWS's default). */
  deregistrationDelaySeconds?: number
  /** Default 30. */
  healthCheckIntervalSeconds?: number
  /** Default 5. */
  healthyThresholdCount?: number
  /** Default 2. */
  unhealthyThresholdCount?: number
  /** Default '/health'. */
  healthCheckPath?: string
  /** A port number as text, or 'traffic-port' (default). */
  healthCheckPort?: string
  /** Default 'instance'. */
  targetType?: string
  /**
   * How long after DeregisterTargets the data plane still sends new requests to a target that was
   * in service (aws-model/settings.ts `newRequestWindowMs`). Default 0, AWS's documented word
   * ("stops routing requests to a target as soon as it is deregistered"); users measured 15-20 s
   * on ALB (the model's 20 s default), which scenarios about `min-drain` set here.
   */
  newRequestWindowMs?: number
  /** When the first health check comes after RegisterTargets (default a whole interval). */
  firstCheckPhaseMs?: number
}

export interface SimHostSpec {
  instanceId: string
  /** The version its app reports when the simulation starts. */
  version: string
  /** Where it is registered when the simulation starts: group name, port (default the group's). */
  registrations: Array<{ group: string; port?: number }>
}

export interface SimTiming {
  /** How long the deploy script runs. */
  deployMs: number
  rollbackMs: number
  /** How long the on-host health check script takes. */
  healthCommandMs: number
  /** Any other command. */
  otherCommandMs: number
  /** From SendCommand until the agent starts the script (Pending meanwhile). */
  deliveryMs: number
  /** Right after SendCommand, invocations are not visible yet (InvocationDoesNotExist). */
  invocationVisibleMs: number
  /** After a deploy (or any script that ran) the app restarts and answers 503 this long. */
  appStartMs: number
  /** Virtual time each API call takes (0: answers at once, without a timer). */
  apiLatencyMs: number
}

export interface TokenBucketSpec {
  capacity: number
  refillPerSecond: number
}

export interface SimLimits {
  /** ELB Describe* calls: bucket of 40 refilled at 10 per second (documented). */
  elbDescribe: TokenBucketSpec
  /** ELB RegisterTargets/DeregisterTargets (an assumption: AWS does not publish it here). */
  elbRegistration: TokenBucketSpec
  /** Every SSM call shares this bucket. */
  ssm: TokenBucketSpec
  cloudwatch: TokenBucketSpec
  /** SendCommand takes at most 50 instance IDs. */
  maxInstancesPerCommand: number
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

export interface SimFleetSpec {
  groups: SimGroupSpec[]
  hosts: SimHostSpec[]
  /** The version a successful deploy installs (the script is opaque to the simulator). */
  targetVersion: string
  /** A command whose script contains this text is a rollback: it reinstalls the host's first version. */
  rollbackScript?: string
  /** Paths the app answers on (besides every group's health-check path). */
  appPaths?: string[]
  /** Alarm name → state changes, `afterMs` from the start of the simulation (state OK before the first). */
  alarms?: Record<string, Array<{ afterMs: number; state: AlarmStateValue }>>
  timing?: Partial<SimTiming>
  limits?: Partial<SimLimits>
  /** Requests per second to each target group (default 100); sampled every sampleMs (default 1000). */
  traffic?: { rps?: number; sampleMs?: number }
  /** What SendCommand does with a terminated instance: an Undeliverable invocation (default) or InvalidInstanceId for the whole call. */
  sendToTerminated?: 'undeliverable' | 'invalid-instance-id'
  region?: string
  accountId?: string
}

/** Faults of one host. Several may combine. */
export interface HostFaults {
  /** What the deploy command does on this host (default: runs and succeeds). */
  deploy?: 'fail' | 'hang' | 'undeliverable' | 'delivery-timeout'
  /** Exit code of a failing deploy (default 1). */
  deployExitCode?: number
  /** The SSM agent is offline for the whole run: ping ConnectionLost, every invocation Undeliverable. */
  agentOffline?: boolean
  /** After a deploy ran, the app answers 500 for good. */
  neverHealthy?: boolean
  /** After a deploy the app takes this much longer than appStartMs to answer. */
  healthyLateMs?: number
  /** This host's deploy script runs this long (default the fleet's timing.deployMs). */
  deployMs?: number
  /** A deploy installs this version instead of the fleet's target version. */
  wrongVersion?: string
  /** The app answers 500 from the start, until a deploy or rollback succeeds on it. */
  unhealthyBeforeRun?: boolean
  /** Autoscaling terminates the instance this long after the start: it is deregistered (draining) and gone. */
  terminateAfterMs?: number
  /** The app alternates: healthy upMs, 500 downMs, from afterMs to untilMs after the start (default 0, forever). */
  flap?: { upMs: number; downMs: number; afterMs?: number; untilMs?: number }
  /** The rollback command fails on this host. */
  rollback?: 'fail'
}

/** A fault of API calls. */
export interface ApiFault {
  /** Operation name without "Command" (e.g. 'DescribeTargetHealth'), or '*' for every call. */
  api: string
  error: 'throttle' | 'server'
  /** 1-based numbers of the calls to that API (or of all calls, for '*') that fail. */
  calls?: number[]
  /** Each call fails with this chance (the plan's seeded PRNG). */
  probability?: number
  /** Only within this window, in ms from the start. */
  fromMs?: number
  untilMs?: number
}

export interface FaultPlan {
  hosts?: Record<string, HostFaults>
  api?: ApiFault[]
  /** Seed of the PRNG used for probabilistic faults. */
  seed?: number
}

export interface SimClients {
  elb: ElasticLoadBalancingV2Client
  ssm: SSMClient
  cloudwatch: CloudWatchClient
}

// ---------------------------------------------------------------------------------------------
// What the monitors record
// ---------------------------------------------------------------------------------------------

export type CommandKind = 'deploy' | 'rollback' | 'health' | 'other'

/** A command reached a host that was still registered or draining (invariant 1). */
export interface Violation {
  at: number
  commandId: string
  kind: CommandKind
  instanceId: string
  group: string
  port: number
  state: string
}

/** One DeregisterTargets call that took hosts out, and the fleet right after it. */
export interface DeregistrationRecord {
  at: number
  group: string
  instanceIds: string[]
  /** Every host out of service right after the call (taken out, not healthy again yet). */
  outOfService: string[]
  /** Hosts with every registration registered and healthy right after the call. */
  inService: number
  /** The same, counting a flapping host (health-flap fault) as in service while it is registered. */
  inServiceOrFlapping: number
  /** Hosts autoscaling has terminated by then. */
  terminated: number
}

export interface SentCommandRecord {
  at: number
  commandId: string
  kind: CommandKind
  documentName: string
  instanceIds: string[]
  parameters: Record<string, string[]>
  timeoutSeconds?: number
  comment?: string
}

export interface TrafficStats {
  requests: number
  /** No registered, healthy, non-draining target in the group. */
  droppedNoTarget: number
  /** Sent to a target whose deploy (or rollback) script was running. */
  droppedDeployRunning: number
  /** Sent to a healthy-looking target whose app answered an error (flaps, restarts, termination). */
  appErrors: number
  byGroup: Record<string, { requests: number; dropped: number }>
}

/** What a benchmark records about a run (see FleetSim.stats). */
export interface SimStats {
  virtualMs: number
  apiCalls: number
  callsByApi: Record<string, number>
  throttled: number
  serverErrors: number
  commands: number
  deployCommands: number
  violations: number
  maxOutOfService: number
  requests: number
  dropped: number
}

/** The simulator's view of one host, for final-state assertions. */
export interface HostView {
  instanceId: string
  version: string
  terminated: boolean
  /** Every registration the load balancer has for the host now, with its state. */
  registrations: Array<{ group: string; port: number; state: string }>
  /** Registered and healthy on every original registration. */
  inService: boolean
  /** The app's answer on the first group's health path and port now. */
  appStatus: number
  /** Deploy commands that ran (or were sent) on the host. */
  deploys: number
  rollbacks: number
}

// ---------------------------------------------------------------------------------------------
// Helpers: seeded PRNG, a silent log, errors shaped like the SDK's
// ---------------------------------------------------------------------------------------------

/** mulberry32: a tiny seeded PRNG returning numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A Log that prints nothing (and keeps the lines, for a failing test to show). */
export function silentLog(): Log & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    debug: () => undefined,
    info: (m) => void lines.push(m),
    warning: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    group: async (name, fn) => {
      lines.push(`## ${name}`)
      return fn()
    }
  }
}

const metadata = (httpStatusCode: number) => ({
  httpStatusCode,
  requestId: 'fleet-sim',
  attempts: 1,
  totalRetryDelay: 0
})

function elbError(
  name: string,
  message: string,
  fault: 'client' | 'server' = 'client',
  status = 400
): Error {
  const e = new ElasticLoadBalancingV2ServiceException({
    name,
    $fault: fault,
    $metadata: metadata(status),
    message
  })
  if (name === 'ThrottlingException') e.$retryable = { throttling: true }
  return e
}

function cloudwatchError(
  name: string,
  message: string,
  fault: 'client' | 'server' = 'client',
  status = 400
): Error {
  const e = new CloudWatchServiceException({
    name,
    $fault: fault,
    $metadata: metadata(status),
    message
  })
  if (name === 'Throttling') e.$retryable = { throttling: true }
  return e
}

type Service = 'elb' | 'ssm' | 'cloudwatch'

function throttlingError(service: Service): Error {
  if (service === 'ssm')
    return new ThrottlingException({
      message: 'Rate exceeded',
      Message: 'Rate exceeded',
      $metadata: metadata(400)
    })
  if (service === 'elb') return elbError('ThrottlingException', 'Rate exceeded')
  return cloudwatchError('Throttling', 'Rate exceeded')
}

function serverError(service: Service): Error {
  if (service === 'ssm')
    return new InternalServerError({
      message: 'We encountered an internal error. Please try again.',
      $metadata: metadata(500)
    })
  if (service === 'elb')
    return elbError(
      'InternalFailure',
      'We encountered an internal error. Please try again.',
      'server',
      500
    )
  return cloudwatchError(
    'InternalServiceError',
    'We encountered an internal error. Please try again.',
    'server',
    500
  )
}

const ssmValidation = (message: string) =>
  new ValidationException({ message, Message: message, $metadata: metadata(400) })

class TokenBucket {
  private tokens: number
  private last: number
  constructor(
    private readonly spec: TokenBucketSpec,
    now: number
  ) {
    this.tokens = spec.capacity
    this.last = now
  }

  take(now: number): boolean {
    this.tokens = Math.min(
      this.spec.capacity,
      this.tokens + ((now - this.last) / 1000) * this.spec.refillPerSecond
    )
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

/** When the model's invocation reaches a terminal status (every status change is at one of these times). */
function terminalAt(m: InvocationModel): number {
  const start = m.sentAt + (m.deliveryLatencyMs ?? 0)
  const candidates = [
    m.sentAt,
    start + Math.min(m.runMs, m.executionTimeoutMs),
    m.sentAt + m.deliveryTimeoutMs + m.executionTimeoutMs
  ].sort((a, b) => a - b)
  return candidates.find((t) => modelInvocationAt(m, t).terminal) ?? Infinity
}

/** SSM's Status for each StatusDetails the model gives (GetCommandInvocation API). */
function outcomeOf(details: ModelStatus, exitCode: number): Outcome {
  switch (details) {
    case 'Success':
      return SUCCESS
    case 'Failed':
      return { status: 'Failed', details: 'Failed', code: exitCode }
    case 'TimedOut':
      return { status: 'TimedOut', details: 'ExecutionTimedOut', code: -1 }
    case 'DeliveryTimedOut':
      return { status: 'TimedOut', details: 'DeliveryTimedOut', code: -1 }
    case 'Undeliverable':
      return UNDELIVERABLE
    case 'Cancelled':
      return CANCELLED
    default:
      return { status: details, details, code: -1 }
  }
}

/** The reason a failed check shows: no answer is a timeout, any other code a mismatch (targetHealthApi). */
function failureOf(status: number): 'Target.Timeout' | 'Target.ResponseCodeMismatch' {
  return status === 0 ? 'Target.Timeout' : 'Target.ResponseCodeMismatch'
}

// ---------------------------------------------------------------------------------------------
// Internal state
// ---------------------------------------------------------------------------------------------

interface GroupState {
  spec: Required<Omit<SimGroupSpec, 'firstCheckPhaseMs'>>
  /** The same settings in the AWS model's words. */
  model: TargetGroupModelSettings
  arn: string
  /** Registrations by `${instanceId}:${port}`; a draining one keeps its entry until the delay has passed. */
  regs: Map<string, Registration>
}

type ElbState = 'initial' | 'healthy' | 'unhealthy'

interface Registration {
  group: GroupState
  host: HostState
  port: number
  registeredAt: number
  deregisteredAt?: number
  /** Health checks run at firstCheckAt + k × interval (the model); n of them evaluated so far. */
  n: number
  /** The model's running counts of those checks. */
  checks: Counters
  lastStatus: number
}

interface HostState {
  id: string
  spec: SimHostSpec
  faults: HostFaults
  firstVersion: string
  terminatedAt?: number
  ports: Set<number>
  /** Deploy, rollback and other scripts sent to the host (health checks are kept apart). */
  scripts: Invocation[]
  /** scripts as episodes, cached until a script is sent or cancelled. */
  episodes?: Episode[]
  deploys: number
  rollbacks: number
}

interface Outcome {
  status: string
  details: string
  code: number
}

interface Invocation {
  command: CommandState
  host: HostState
  kind: CommandKind
  sentAt: number
  visibleAt: number
  /** When the script starts on the host; undefined when it never does. */
  start?: number
  /** When the invocation ends (before cancel or termination cut it short). */
  end: number
  outcome: Outcome
  cancelledAt?: number
  versionAfter?: string
  /** For health checks: where the script reads, and how long it may wait on the host for the app. */
  health?: { port: number; path: string; wait: HealthWait }
  /** For health checks: when the script took the reading it prints (its last one). */
  readAt?: number
}

interface CommandState {
  id: string
  kind: CommandKind
  documentName: string
  comment: string
  sentAt: number
  invocations: Invocation[]
}

interface Episode {
  inv: Invocation
  start: number
  end: number
  readyAt: number
  success: boolean
}

const SUCCESS: Outcome = { status: 'Success', details: 'Success', code: 0 }
const UNDELIVERABLE: Outcome = { status: 'Failed', details: 'Undeliverable', code: -1 }
const CANCELLED: Outcome = { status: 'Cancelled', details: 'Cancelled', code: -1 }

const DEFAULT_TIMING: SimTiming = {
  deployMs: 20_000,
  rollbackMs: 15_000,
  healthCommandMs: 1_000,
  otherCommandMs: 1_000,
  deliveryMs: 500,
  invocationVisibleMs: 200,
  appStartMs: 5_000,
  apiLatencyMs: 0
}

const DEFAULT_LIMITS: SimLimits = {
  elbDescribe: { capacity: 40, refillPerSecond: 10 },
  elbRegistration: { capacity: 20, refillPerSecond: 4 },
  ssm: { capacity: 40, refillPerSecond: 10 },
  cloudwatch: { capacity: 40, refillPerSecond: 10 },
  maxInstancesPerCommand: 50
}

const ELB_DESCRIBE = new Set([
  'DescribeTargetGroups',
  'DescribeTargetGroupAttributes',
  'DescribeTargetHealth'
])
const ELB_REGISTRATION = new Set(['RegisterTargets', 'DeregisterTargets'])

/** How long before the start the fleet's registrations were made. */
const PRE_REGISTERED_MS = 3_600_000
/** AWS-RunShellScript's default execution timeout. */
const DEFAULT_EXECUTION_TIMEOUT_S = 3600

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width)

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------

export class FleetSim {
  readonly startedAt: number
  readonly timing: SimTiming
  readonly limits: SimLimits

  /** Calls by API (operation name without "Command"), throttled or failed ones included. */
  readonly calls: Record<string, number> = {}
  /** Calls answered with a throttling error (token bucket or fault plan). */
  readonly throttled: Record<string, number> = {}
  /** Calls answered with an injected 5xx. */
  readonly serverErrors: Record<string, number> = {}
  /** Commands the simulator could not answer (no handler): should stay empty. */
  readonly unsupported: string[] = []

  readonly violations: Violation[] = []
  readonly commands: SentCommandRecord[] = []
  readonly deregistrations: DeregistrationRecord[] = []
  /** Every interval a host spent out of service (open intervals have no `to`). */
  readonly outOfServiceLog: Array<{ instanceId: string; from: number; to?: number }> = []
  maxOutOfService = 0
  readonly traffic: TrafficStats = {
    requests: 0,
    droppedNoTarget: 0,
    droppedDeployRunning: 0,
    appErrors: 0,
    byGroup: {}
  }
  /** Every register/deregister call, for scenario assertions. */
  readonly elbLog: Array<{
    at: number
    api: 'RegisterTargets' | 'DeregisterTargets'
    group: string
    targets: Array<{ id: string; port: number }>
  }> = []

  private readonly groups: GroupState[] = []
  private readonly hosts = new Map<string, HostState>()
  private readonly commandsById = new Map<string, CommandState>()
  private readonly parameters = new Map<
    string,
    { value: string; type: string; version: number; modified: number }
  >()
  private readonly buckets: Record<string, TokenBucket>
  private readonly outSince = new Map<string, { from: number; log: { to?: number } }>()
  private readonly random: () => number
  private readonly apiFaults: ApiFault[]
  private readonly appPaths: Set<string>
  private readonly rps: number
  private readonly sampleMs: number
  private readonly region: string
  private readonly account: string
  private commandSeq = 0
  private totalCalls = 0
  private attached?: SimClients
  private mocks: Array<{ restore(): void }> = []

  constructor(
    readonly clock: VirtualClock,
    readonly fleet: SimFleetSpec,
    readonly faults: FaultPlan = {}
  ) {
    this.startedAt = clock.now()
    this.timing = { ...DEFAULT_TIMING, ...fleet.timing }
    this.limits = { ...DEFAULT_LIMITS, ...fleet.limits }
    this.region = fleet.region ?? 'us-east-1'
    this.account = fleet.accountId ?? '123456789012'
    this.random = mulberry32(faults.seed ?? 1)
    this.apiFaults = faults.api ?? []
    this.rps = fleet.traffic?.rps ?? 100
    this.sampleMs = fleet.traffic?.sampleMs ?? 1000
    const now = this.startedAt
    this.buckets = {
      elbDescribe: new TokenBucket(this.limits.elbDescribe, now),
      elbRegistration: new TokenBucket(this.limits.elbRegistration, now),
      ssm: new TokenBucket(this.limits.ssm, now),
      cloudwatch: new TokenBucket(this.limits.cloudwatch, now)
    }

    fleet.groups.forEach((g, i) => {
      const spec: GroupState['spec'] = {
        name: g.name,
        port: g.port ?? 80,
        deregistrationDelaySeconds: g.deregistrationDelaySeconds ?? 300,
        healthCheckIntervalSeconds: g.healthCheckIntervalSeconds ?? 30,
        healthyThresholdCount: g.healthyThresholdCount ?? 5,
        unhealthyThresholdCount: g.unhealthyThresholdCount ?? 2,
        healthCheckPath: g.healthCheckPath ?? '/health',
        healthCheckPort: g.healthCheckPort ?? 'traffic-port',
        targetType: g.targetType ?? 'instance',
        newRequestWindowMs: g.newRequestWindowMs ?? 0
      }
      const model = targetGroupSettings('alb', {
        intervalMs: spec.healthCheckIntervalSeconds * 1000,
        healthyThreshold: spec.healthyThresholdCount,
        unhealthyThreshold: spec.unhealthyThresholdCount,
        deregistrationDelayMs: spec.deregistrationDelaySeconds * 1000,
        newRequestWindowMs: spec.newRequestWindowMs,
        firstCheckPhaseMs: g.firstCheckPhaseMs
      })
      const arn = `arn:aws:elasticloadbalancing:${this.region}:${this.account}:targetgroup/${g.name}/${hex(0x5eed0000 + i * 7919, 16)}`
      this.groups.push({ spec, model, arn, regs: new Map() })
    })
    this.appPaths = new Set([
      ...this.groups.map((g) => g.spec.healthCheckPath),
      ...(fleet.appPaths ?? [])
    ])

    for (const h of fleet.hosts) {
      const f = faults.hosts?.[h.instanceId] ?? {}
      const host: HostState = {
        id: h.instanceId,
        spec: h,
        faults: f,
        firstVersion: h.version,
        terminatedAt: f.terminateAfterMs !== undefined ? now + f.terminateAfterMs : undefined,
        ports: new Set(),
        scripts: [],
        deploys: 0,
        rollbacks: 0
      }
      this.hosts.set(h.instanceId, host)
      for (const r of h.registrations) {
        const group = this.groupByName(r.group)
        const port = r.port ?? group.spec.port
        host.ports.add(port)
        if (group.spec.healthCheckPort !== 'traffic-port')
          host.ports.add(Number(group.spec.healthCheckPort))
        group.regs.set(
          `${host.id}:${port}`,
          this.newRegistration(group, host, port, now - PRE_REGISTERED_MS, now)
        )
      }
    }

    clock.onAdvance((from, to) => this.onAdvance(from, to))
  }

  // -------------------------------------------------------------------------------------------
  // Wiring
  // -------------------------------------------------------------------------------------------

  /** The three clients the simulator answers for (attached on first use). */
  get clients(): SimClients {
    return this.attached ?? this.attach()
  }

  /** Wires the handlers onto the given clients, or onto three new ones, and returns them. */
  attach(clients?: SimClients): SimClients {
    if (this.attached) return this.attached
    const config = {
      region: this.region,
      credentials: { accessKeyId: 'fleet-sim', secretAccessKey: 'fleet-sim' }
    }
    const c: SimClients = clients ?? {
      elb: new ElasticLoadBalancingV2Client(config),
      ssm: new SSMClient(config),
      cloudwatch: new CloudWatchClient(config)
    }
    const elb = mockClient(c.elb)
    const ssm = mockClient(c.ssm)
    const cw = mockClient(c.cloudwatch)
    this.mocks = [elb, ssm, cw]
    // One dispatcher per stubbed `send`, keyed by the command's class: the same answers as
    // `mock.on(XCommand).callsFake(...)` for each command, without sinon matching every call
    // against every behavior (which dominated the run time of the property tests).
    type Handler = (input: never) => Promise<unknown>
    const routes = new Map<unknown, Handler>([
      [
        DescribeTargetGroupsCommand,
        this.api('elb', 'DescribeTargetGroups', (i: DescribeTargetGroupsCommandInput) =>
          this.describeTargetGroups(i)
        )
      ],
      [
        DescribeTargetGroupAttributesCommand,
        this.api(
          'elb',
          'DescribeTargetGroupAttributes',
          (i: DescribeTargetGroupAttributesCommandInput) => this.describeTargetGroupAttributes(i)
        )
      ],
      [
        DescribeTargetHealthCommand,
        this.api('elb', 'DescribeTargetHealth', (i: DescribeTargetHealthCommandInput) =>
          this.describeTargetHealth(i)
        )
      ],
      [
        RegisterTargetsCommand,
        this.api('elb', 'RegisterTargets', (i: RegisterTargetsCommandInput) =>
          this.registerTargets(i)
        )
      ],
      [
        DeregisterTargetsCommand,
        this.api('elb', 'DeregisterTargets', (i: DeregisterTargetsCommandInput) =>
          this.deregisterTargets(i)
        )
      ],
      [
        SendCommandCommand,
        this.api('ssm', 'SendCommand', (i: SendCommandCommandInput) => this.sendCommand(i))
      ],
      [
        ListCommandInvocationsCommand,
        this.api('ssm', 'ListCommandInvocations', (i: ListCommandInvocationsCommandInput) =>
          this.listCommandInvocations(i)
        )
      ],
      [
        GetCommandInvocationCommand,
        this.api('ssm', 'GetCommandInvocation', (i: GetCommandInvocationCommandInput) =>
          this.getCommandInvocation(i)
        )
      ],
      [
        CancelCommandCommand,
        this.api('ssm', 'CancelCommand', (i: CancelCommandCommandInput) => this.cancelCommand(i))
      ],
      [
        DescribeInstanceInformationCommand,
        this.api(
          'ssm',
          'DescribeInstanceInformation',
          (i: DescribeInstanceInformationCommandInput) => this.describeInstanceInformation(i)
        )
      ],
      [
        PutParameterCommand,
        this.api('ssm', 'PutParameter', (i: PutParameterCommandInput) => this.putParameter(i))
      ],
      [
        GetParameterCommand,
        this.api('ssm', 'GetParameter', (i: GetParameterCommandInput) => this.getParameter(i))
      ],
      [
        DeleteParameterCommand,
        this.api('ssm', 'DeleteParameter', (i: DeleteParameterCommandInput) =>
          this.deleteParameter(i)
        )
      ],
      [
        DescribeAlarmsCommand,
        this.api('cloudwatch', 'DescribeAlarms', (i: DescribeAlarmsCommandInput) =>
          this.describeAlarms(i)
        )
      ]
    ])
    const dispatch =
      (service: Service) =>
      (command: { constructor: unknown; input: unknown }): Promise<never> => {
        const handler = routes.get(command.constructor)
        if (handler) return handler(command.input as never) as Promise<never>
        const what = `${service} ${(command.constructor as { name?: string }).name ?? 'command'} ${JSON.stringify(command.input).slice(0, 200)}`
        this.unsupported.push(what)
        return Promise.reject(new Error(`FleetSim does not answer ${what}`))
      }
    elb.send.callsFake(dispatch('elb'))
    ssm.send.callsFake(dispatch('ssm'))
    cw.send.callsFake(dispatch('cloudwatch'))
    this.attached = c
    return c
  }

  /** Restores the clients' own `send`. */
  detach(): void {
    for (const m of this.mocks) m.restore()
    this.mocks = []
  }

  /** Wraps a handler: counts the call, applies the fault plan and the rate limits, adds latency. */
  private api<I, O>(
    service: Service,
    name: string,
    handler: (input: I) => O
  ): (input: I) => Promise<O> {
    return async (input: I) => {
      if (this.timing.apiLatencyMs > 0) await this.clock.sleep(this.timing.apiLatencyMs)
      const now = this.clock.now()
      this.calls[name] = (this.calls[name] ?? 0) + 1
      this.totalCalls++
      const injected = this.injectedFault(name, now)
      if (injected === 'throttle') {
        this.throttled[name] = (this.throttled[name] ?? 0) + 1
        throw throttlingError(service)
      }
      if (injected === 'server') {
        this.serverErrors[name] = (this.serverErrors[name] ?? 0) + 1
        throw serverError(service)
      }
      const bucket = this.bucketOf(service, name)
      if (bucket && !bucket.take(now)) {
        this.throttled[name] = (this.throttled[name] ?? 0) + 1
        throw throttlingError(service)
      }
      return handler(input)
    }
  }

  private bucketOf(service: Service, name: string): TokenBucket | undefined {
    if (service === 'ssm') return this.buckets.ssm
    if (service === 'cloudwatch') return this.buckets.cloudwatch
    if (ELB_DESCRIBE.has(name)) return this.buckets.elbDescribe
    if (ELB_REGISTRATION.has(name)) return this.buckets.elbRegistration
    return undefined
  }

  private injectedFault(name: string, now: number): 'throttle' | 'server' | undefined {
    const elapsed = now - this.startedAt
    for (const f of this.apiFaults) {
      if (f.api !== '*' && f.api !== name) continue
      if (f.fromMs !== undefined && elapsed < f.fromMs) continue
      if (f.untilMs !== undefined && elapsed >= f.untilMs) continue
      const n = f.api === '*' ? this.totalCalls : (this.calls[name] ?? 0)
      if (f.calls?.includes(n)) return f.error
      if (f.probability !== undefined && this.random() < f.probability) return f.error
    }
    return undefined
  }

  // -------------------------------------------------------------------------------------------
  // The app on each host
  // -------------------------------------------------------------------------------------------

  /** Deploy/rollback/other scripts that actually ran on the host, with their effective ends. */
  private episodes(host: HostState): Episode[] {
    if (host.episodes) return host.episodes
    const out: Episode[] = []
    for (const inv of host.scripts) {
      if (inv.start === undefined) continue
      const { end, outcome } = this.effective(inv)
      if (end <= inv.start) continue
      const late = inv.kind === 'deploy' ? (host.faults.healthyLateMs ?? 0) : 0
      out.push({
        inv,
        start: inv.start,
        end,
        readyAt: end + this.timing.appStartMs + late,
        success: outcome.status === 'Success'
      })
    }
    host.episodes = out
    return out
  }

  /** The version the app runs at time t. */
  versionAt(host: HostState, t: number, eps = this.episodes(host)): string {
    let version = host.firstVersion
    let last = -Infinity
    for (const e of eps) {
      if (e.success && e.end <= t && e.end >= last && e.inv.versionAfter !== undefined) {
        version = e.inv.versionAfter
        last = e.end
      }
    }
    return version
  }

  /** The app's HTTP status at time t on port and path; 0 when nothing answers. */
  appStatus(host: HostState, t: number, port: number, path: string): number {
    if (host.terminatedAt !== undefined && t >= host.terminatedAt) return 0
    if (!host.ports.has(port)) return 0
    const eps = this.episodes(host)
    let last: Episode | undefined
    let healed = false
    for (const e of eps) {
      if (e.start <= t && t < e.readyAt) return 503 // deploying, then starting
      if (e.end <= t) {
        if (!last || e.end >= last.end) last = e
        if (e.success && e.inv.kind !== 'other') healed = true
      }
    }
    const sick = host.faults.unhealthyBeforeRun === true && !healed
    const broken = host.faults.neverHealthy === true && last?.inv.kind === 'deploy'
    if (sick || broken || this.flapDown(host, t)) return 500
    return this.appPaths.has(path) ? 200 : 404
  }

  /** The app's HTTP answer (status and body) at time t on port and path. */
  appAnswer(
    host: HostState,
    t: number,
    port: number,
    path: string
  ): { status: number; body: string } {
    const status = this.appStatus(host, t, port, path)
    const running = this.episodes(host).some((e) => e.start <= t && t < e.end)
    switch (status) {
      case 0:
        return { status, body: '' }
      case 503:
        return { status, body: running ? '{"status":"deploying"}' : '{"status":"starting"}' }
      case 404:
        return { status, body: 'not found' }
      default:
        return {
          status,
          body: JSON.stringify({
            status: status === 200 ? 'ok' : 'error',
            version: this.versionAt(host, t)
          })
        }
    }
  }

  private flapDown(host: HostState, t: number): boolean {
    const f = host.faults.flap
    if (!f) return false
    const from = this.startedAt + (f.afterMs ?? 0)
    if (t < from || (f.untilMs !== undefined && t >= this.startedAt + f.untilMs)) return false
    return (t - from) % (f.upMs + f.downMs) >= f.upMs
  }

  /** The first time after t at which the app's answer may change (for skipping health checks). */
  private nextAppChange(host: HostState, t: number): number {
    let next = Infinity
    const consider = (x: number | undefined) => {
      if (x !== undefined && x > t && x < next) next = x
    }
    consider(host.terminatedAt)
    for (const e of this.episodes(host)) {
      consider(e.start)
      consider(e.end)
      consider(e.readyAt)
    }
    const f = host.faults.flap
    if (f) {
      const from = this.startedAt + (f.afterMs ?? 0)
      const until = f.untilMs !== undefined ? this.startedAt + f.untilMs : Infinity
      if (t < from) consider(from)
      else if (t < until) {
        consider(until)
        const period = f.upMs + f.downMs
        const phase = (t - from) % period
        consider(t - phase + (phase < f.upMs ? f.upMs : period))
      }
    }
    return next
  }

  /** A deploy or rollback has started on the host and its app is not back yet at t. */
  deployStarted(host: HostState, t: number): boolean {
    return this.episodes(host).some((e) => e.inv.kind !== 'other' && e.start <= t && t < e.readyAt)
  }

  /** A deploy or rollback script is running on the host at t. */
  scriptRunning(host: HostState, t: number): boolean {
    return this.episodes(host).some((e) => e.inv.kind !== 'other' && e.start <= t && t < e.end)
  }

  // -------------------------------------------------------------------------------------------
  // The load balancer's view
  // -------------------------------------------------------------------------------------------

  private groupByName(name: string): GroupState {
    const g = this.groups.find((x) => x.spec.name === name)
    if (!g) throw new Error(`FleetSim: no target group named ${name}`)
    return g
  }

  private groupByArn(arn: string | undefined): GroupState {
    const g = this.groups.find((x) => x.arn === arn)
    if (!g) {
      throw new TargetGroupNotFoundException({
        message: `One or more target groups not found`,
        Message: 'One or more target groups not found',
        $metadata: metadata(400)
      })
    }
    return g
  }

  private healthCheckPort(reg: Registration): number {
    const p = reg.group.spec.healthCheckPort
    return p === 'traffic-port' ? reg.port : Number(p)
  }

  private newRegistration(
    group: GroupState,
    host: HostState,
    port: number,
    registeredAt: number,
    now: number
  ): Registration {
    const reg: Registration = {
      group,
      host,
      port,
      registeredAt,
      n: 0,
      checks: newCounters(group.model),
      lastStatus: 200
    }
    if (registeredAt < now) {
      // Registered long ago: the model's checks since then, all with the app's answer now.
      const first = firstCheckAt(group.model, registeredAt)
      reg.n = Math.floor((now - first) / group.model.intervalMs) + 1
      const status = this.appStatus(
        host,
        now,
        this.healthCheckPort(reg),
        group.spec.healthCheckPath
      )
      reg.lastStatus = status
      applyChecks(group.model, reg.checks, status >= 200 && status < 300, reg.n, failureOf(status))
    }
    return reg
  }

  /** When the registration stopped taking traffic: deregistered, or its instance terminated. */
  private deregisteredAt(reg: Registration): number | undefined {
    const term = reg.host.terminatedAt
    if (
      term !== undefined &&
      term >= reg.registeredAt &&
      (reg.deregisteredAt === undefined || term < reg.deregisteredAt)
    )
      return term
    return reg.deregisteredAt
  }

  /** 'active' (registered), 'draining', or 'gone' at t. */
  private phase(reg: Registration, t: number): 'active' | 'draining' | 'gone' {
    const d = this.deregisteredAt(reg)
    if (d === undefined || t < d) return 'active'
    // `draining` for the whole delay (the model's drainingMs, albDeregistrationDelay).
    return t < d + drainingMs(reg.group.model) ? 'draining' : 'gone'
  }

  /** Gone from the API and past the data plane's window: nothing will route to it again. */
  private expired(reg: Registration, t: number): boolean {
    const d = this.deregisteredAt(reg)
    return this.phase(reg, t) === 'gone' && t >= d! + reg.group.model.newRequestWindowMs
  }

  /**
   * Runs the health checks due up to t (never backwards, none from the deregistration on) and
   * returns the target's health state. When the checks come and what they make of the target is
   * the AWS model's (firstCheckAt, applyChecks in aws-model/target-health.ts); the simulator only
   * says what the app answers at each check.
   */
  private elbState(reg: Registration, t: number): ElbState {
    const model = reg.group.model
    const interval = model.intervalMs
    const first = firstCheckAt(model, reg.registeredAt)
    const d = this.deregisteredAt(reg)
    // Checks at first + k × interval for k < last (those before t, and before d).
    const until = d === undefined ? t : Math.min(t, d - 1)
    const last = until < first ? 0 : Math.floor((until - first) / interval) + 1
    const port = this.healthCheckPort(reg)
    const spec = reg.group.spec
    while (reg.n < last) {
      const k = reg.n
      const at = first + k * interval
      const status = this.appStatus(reg.host, at, port, spec.healthCheckPath)
      const ok = status >= 200 && status < 300
      // Every check until the app's next change gives the same answer: take them in one step.
      const change = this.nextAppChange(reg.host, at)
      const upTo =
        change === Infinity
          ? last
          : Math.max(k + 1, Math.min(last, Math.ceil((change - first) / interval)))
      if (!ok) reg.lastStatus = status
      applyChecks(model, reg.checks, ok, upTo - k, failureOf(status))
      reg.n = upTo
    }
    return reg.checks.state
  }

  /** DescribeTargetHealth's word on a registration at t; undefined once it is gone. */
  private targetHealth(
    reg: Registration,
    t: number
  ): { State: string; Reason?: string; Description?: string } | undefined {
    const phase = this.phase(reg, t)
    if (phase === 'gone') return undefined
    if (phase === 'draining') {
      return {
        State: 'draining',
        Reason: 'Target.DeregistrationInProgress',
        Description: 'Target deregistration is in progress'
      }
    }
    this.elbState(reg, t)
    // State and reason code are the model's (healthOf, from the TargetHealth API page).
    const health = healthOf(reg.checks)
    const description: Record<string, string> = {
      'Elb.RegistrationInProgress': 'Target registration is in progress',
      'Elb.InitialHealthChecking': 'Initial health checks in progress',
      'Target.Timeout': 'Request timed out',
      'Target.ResponseCodeMismatch': `Health checks failed with these codes: [${reg.lastStatus}]`
    }
    if (health.reason === undefined) return { State: health.state }
    return { State: health.state, Reason: health.reason, Description: description[health.reason] }
  }

  /** The host is registered and healthy on every registration it started with. */
  private inService(host: HostState, t: number): boolean {
    for (const r of host.spec.registrations) {
      const group = this.groupByName(r.group)
      const reg = group.regs.get(`${host.id}:${r.port ?? group.spec.port}`)
      if (!reg || this.phase(reg, t) !== 'active' || this.elbState(reg, t) !== 'healthy')
        return false
    }
    return true
  }

  /** Registered (not draining) on every registration it started with. */
  private registeredEverywhere(host: HostState, t: number): boolean {
    return host.spec.registrations.every((r) => {
      const group = this.groupByName(r.group)
      const reg = group.regs.get(`${host.id}:${r.port ?? group.spec.port}`)
      return !!reg && this.phase(reg, t) === 'active'
    })
  }

  // -------------------------------------------------------------------------------------------
  // Monitors: out of service, traffic
  // -------------------------------------------------------------------------------------------

  /** Closes the out-of-service interval of every host that is healthy everywhere again. */
  private refreshOutOfService(t: number): void {
    for (const [id, entry] of this.outSince) {
      if (this.inService(this.hosts.get(id)!, t)) {
        entry.log.to = t
        this.outSince.delete(id)
      }
    }
  }

  private onAdvance(from: number, to: number): void {
    let s = from
    while (s < to) {
      const next = Math.min(to, (Math.floor(s / this.sampleMs) + 1) * this.sampleMs)
      this.sampleTraffic(s, next - s)
      s = next
    }
    this.refreshOutOfService(to)
  }

  /** Sends dt worth of requests to each group as the load balancer would at time s. */
  private sampleTraffic(s: number, dt: number): void {
    const requests = (this.rps * dt) / 1000
    for (const g of this.groups) {
      const stats = (this.traffic.byGroup[g.spec.name] ??= { requests: 0, dropped: 0 })
      this.traffic.requests += requests
      stats.requests += requests
      const routable: Registration[] = []
      for (const [key, reg] of g.regs) {
        if (this.expired(reg, s)) {
          g.regs.delete(key)
          continue
        }
        const d = this.deregisteredAt(reg)
        // Where a new request may go is the model's data plane (routesGiven): healthy registered
        // targets, and for the group's window a deregistered one that was in service.
        const session = { registeredAt: reg.registeredAt, deregisteredAt: d }
        const healthy = () => this.elbState(reg, s) === 'healthy'
        if (routesGiven(g.model, session, s, healthy)) routable.push(reg)
      }
      if (routable.length === 0) {
        this.traffic.droppedNoTarget += requests
        stats.dropped += requests
        continue
      }
      const share = requests / routable.length
      for (const reg of routable) {
        // A request routed to a host whose deploy (or rollback) has started, until its app is
        // back, is dropped.
        if (this.deployStarted(reg.host, s)) {
          this.traffic.droppedDeployRunning += share
          stats.dropped += share
        } else {
          const status = this.appStatus(reg.host, s, reg.port, reg.group.spec.healthCheckPath)
          if (status < 200 || status >= 400) this.traffic.appErrors += share
        }
      }
    }
  }

  /** Requests dropped so far (no target, or a target whose deploy was running). */
  get dropped(): number {
    return this.traffic.droppedNoTarget + this.traffic.droppedDeployRunning
  }

  /** The numbers a benchmark records about a run so far. */
  stats(): SimStats {
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0)
    return {
      virtualMs: this.clock.now() - this.startedAt,
      apiCalls: this.totalCalls,
      callsByApi: { ...this.calls },
      throttled: sum(this.throttled),
      serverErrors: sum(this.serverErrors),
      commands: this.commands.length,
      deployCommands: this.commands.filter((c) => c.kind === 'deploy').length,
      violations: this.violations.length,
      maxOutOfService: this.maxOutOfService,
      requests: Math.round(this.traffic.requests),
      dropped: Math.round(this.dropped)
    }
  }

  // -------------------------------------------------------------------------------------------
  // ELBv2
  // -------------------------------------------------------------------------------------------

  private sdkGroup(g: GroupState): SdkTargetGroup {
    return {
      TargetGroupArn: g.arn,
      TargetGroupName: g.spec.name,
      Protocol: 'HTTP',
      Port: g.spec.port,
      VpcId: 'vpc-0fleetsim',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: g.spec.healthCheckPort,
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: g.spec.healthCheckIntervalSeconds,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: g.spec.healthyThresholdCount,
      UnhealthyThresholdCount: g.spec.unhealthyThresholdCount,
      HealthCheckPath: g.spec.healthCheckPath,
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [
        `arn:aws:elasticloadbalancing:${this.region}:${this.account}:loadbalancer/app/fleet-sim/0123456789abcdef`
      ],
      TargetType: g.spec.targetType as SdkTargetGroup['TargetType'],
      ProtocolVersion: 'HTTP1',
      IpAddressType: 'ipv4'
    }
  }

  private describeTargetGroups(
    input: DescribeTargetGroupsCommandInput
  ): DescribeTargetGroupsCommandOutput {
    let found: GroupState[]
    const notFound = () =>
      new TargetGroupNotFoundException({
        message: 'One or more target groups not found',
        Message: 'One or more target groups not found',
        $metadata: metadata(400)
      })
    if (input.TargetGroupArns?.length) {
      found = input.TargetGroupArns.map((arn) => {
        const g = this.groups.find((x) => x.arn === arn)
        if (!g) throw notFound()
        return g
      })
    } else if (input.Names?.length) {
      found = input.Names.map((name) => {
        const g = this.groups.find((x) => x.spec.name === name)
        if (!g) throw notFound()
        return g
      })
    } else {
      found = [...this.groups]
    }
    const size = input.PageSize ?? 400
    if (size < 1 || size > 400)
      throw elbError('ValidationError', 'PageSize must be between 1 and 400')
    const offset = input.Marker ? Number(input.Marker) : 0
    const page = found.slice(offset, offset + size)
    const next = offset + size < found.length ? String(offset + size) : undefined
    return {
      TargetGroups: page.map((g) => this.sdkGroup(g)),
      NextMarker: next,
      $metadata: metadata(200)
    }
  }

  private describeTargetGroupAttributes(
    input: DescribeTargetGroupAttributesCommandInput
  ): DescribeTargetGroupAttributesCommandOutput {
    const g = this.groupByArn(input.TargetGroupArn)
    return {
      Attributes: [
        { Key: 'stickiness.enabled', Value: 'false' },
        {
          Key: 'deregistration_delay.timeout_seconds',
          Value: String(g.spec.deregistrationDelaySeconds)
        },
        { Key: 'deregistration_delay.connection_termination.enabled', Value: 'false' },
        { Key: 'slow_start.duration_seconds', Value: '0' },
        { Key: 'load_balancing.algorithm.type', Value: 'round_robin' }
      ],
      $metadata: metadata(200)
    }
  }

  private describeTargetHealth(
    input: DescribeTargetHealthCommandInput
  ): DescribeTargetHealthCommandOutput {
    const g = this.groupByArn(input.TargetGroupArn)
    const now = this.clock.now()
    const out: TargetHealthDescription[] = []
    const describe = (reg: Registration) => {
      const health = this.targetHealth(reg, now)
      if (!health) return false
      out.push({
        Target: { Id: reg.host.id, Port: reg.port },
        HealthCheckPort: String(this.healthCheckPort(reg)),
        TargetHealth: health as TargetHealthDescription['TargetHealth']
      })
      return true
    }
    if (input.Targets?.length) {
      for (const t of input.Targets) {
        const port = t.Port ?? g.spec.port
        const reg = g.regs.get(`${t.Id}:${port}`)
        if (!reg || !describe(reg)) {
          out.push({
            Target: { Id: t.Id, Port: port },
            TargetHealth: {
              State: 'unused',
              Reason: 'Target.NotRegistered',
              Description: 'Target is not registered to the target group'
            }
          })
        }
      }
    } else {
      for (const [key, reg] of g.regs)
        if (!describe(reg) && this.expired(reg, now)) g.regs.delete(key)
    }
    return { TargetHealthDescriptions: out, $metadata: metadata(200) }
  }

  private targetsOf(
    g: GroupState,
    targets: RegisterTargetsCommandInput['Targets']
  ): Array<{ host: HostState; port: number }> {
    if (!targets || targets.length === 0)
      throw elbError(
        'ValidationError',
        "1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null"
      )
    return targets.map((t) => {
      const host = t.Id ? this.hosts.get(t.Id) : undefined
      if (!host) {
        throw new InvalidTargetException({
          message: `The following targets are not valid instances: '${t.Id}'`,
          Message: `The following targets are not valid instances: '${t.Id}'`,
          $metadata: metadata(400)
        })
      }
      return { host, port: t.Port ?? g.spec.port }
    })
  }

  private registerTargets(input: RegisterTargetsCommandInput): {
    $metadata: ReturnType<typeof metadata>
  } {
    const g = this.groupByArn(input.TargetGroupArn)
    const now = this.clock.now()
    const targets = this.targetsOf(g, input.Targets)
    const dead = targets.filter(
      (t) => t.host.terminatedAt !== undefined && now >= t.host.terminatedAt
    )
    if (dead.length > 0) {
      const ids = dead.map((t) => `'${t.host.id}'`).join(', ')
      throw new InvalidTargetException({
        message: `The following targets are not in a running state and cannot be registered: ${ids}`,
        Message: `The following targets are not in a running state and cannot be registered: ${ids}`,
        $metadata: metadata(400)
      })
    }
    for (const { host, port } of targets) {
      const key = `${host.id}:${port}`
      const existing = g.regs.get(key)
      if (existing && this.phase(existing, now) === 'active') continue
      host.ports.add(port)
      g.regs.set(key, this.newRegistration(g, host, port, now, now))
    }
    this.elbLog.push({
      at: now,
      api: 'RegisterTargets',
      group: g.spec.name,
      targets: targets.map((t) => ({ id: t.host.id, port: t.port }))
    })
    return { $metadata: metadata(200) }
  }

  private deregisterTargets(input: DeregisterTargetsCommandInput): {
    $metadata: ReturnType<typeof metadata>
  } {
    const g = this.groupByArn(input.TargetGroupArn)
    const now = this.clock.now()
    const targets = this.targetsOf(g, input.Targets)
    this.refreshOutOfService(now)
    const takenOut: string[] = []
    for (const { host, port } of targets) {
      const reg = g.regs.get(`${host.id}:${port}`)
      if (!reg || this.phase(reg, now) !== 'active') continue // deregistering what is not registered succeeds
      reg.deregisteredAt = now
      takenOut.push(host.id)
      if (!this.outSince.has(host.id)) {
        const log: { instanceId: string; from: number; to?: number } = {
          instanceId: host.id,
          from: now
        }
        this.outOfServiceLog.push(log)
        this.outSince.set(host.id, { from: now, log })
      }
    }
    this.elbLog.push({
      at: now,
      api: 'DeregisterTargets',
      group: g.spec.name,
      targets: targets.map((t) => ({ id: t.host.id, port: t.port }))
    })
    if (takenOut.length > 0) {
      this.maxOutOfService = Math.max(this.maxOutOfService, this.outSince.size)
      let inService = 0
      let orFlapping = 0
      let terminated = 0
      for (const h of this.hosts.values()) {
        if (h.terminatedAt !== undefined && now >= h.terminatedAt) terminated++
        if (this.inService(h, now)) {
          inService++
          orFlapping++
        } else if (h.faults.flap && !this.outSince.has(h.id) && this.registeredEverywhere(h, now))
          orFlapping++
      }
      this.deregistrations.push({
        at: now,
        group: g.spec.name,
        instanceIds: takenOut,
        outOfService: [...this.outSince.keys()],
        inService,
        inServiceOrFlapping: orFlapping,
        terminated
      })
    }
    return { $metadata: metadata(200) }
  }

  // -------------------------------------------------------------------------------------------
  // SSM Run Command
  // -------------------------------------------------------------------------------------------

  private kindOf(documentName: string, script: string): CommandKind {
    if (documentName === 'AWS-RunShellScript') {
      if (script.includes(HEALTH_MARKER) && readHealthScript(script)) return 'health'
      if (this.fleet.rollbackScript !== undefined && script.includes(this.fleet.rollbackScript))
        return 'rollback'
    }
    return 'deploy'
  }

  private sendCommand(input: SendCommandCommandInput): SendCommandCommandOutput {
    const now = this.clock.now()
    const ids = input.InstanceIds ?? []
    if (input.Targets?.length)
      throw ssmValidation('FleetSim answers SendCommand with InstanceIds only')
    if (ids.length === 0) throw ssmValidation('InstanceIds or Targets must be given')
    if (ids.length > this.limits.maxInstancesPerCommand) {
      throw ssmValidation(
        `1 validation error detected: Value '[${ids.join(', ')}]' at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to ${this.limits.maxInstancesPerCommand}`
      )
    }
    if (!input.DocumentName) throw ssmValidation('DocumentName must not be null')
    if (
      input.TimeoutSeconds !== undefined &&
      (input.TimeoutSeconds < 30 || input.TimeoutSeconds > 2_592_000)
    ) {
      throw ssmValidation(`TimeoutSeconds ${input.TimeoutSeconds} must be between 30 and 2592000`)
    }
    if (input.Comment !== undefined && input.Comment.length > 100)
      throw ssmValidation('Comment must be at most 100 characters')
    if (new Set(ids).size !== ids.length) throw ssmValidation('InstanceIds must be unique')
    const unknown = ids.filter((id) => !this.hosts.has(id))
    const terminated = ids.filter((id) => {
      const t = this.hosts.get(id)?.terminatedAt
      return t !== undefined && now >= t
    })
    if (
      unknown.length > 0 ||
      (this.fleet.sendToTerminated === 'invalid-instance-id' && terminated.length > 0)
    ) {
      const message =
        'Instances [' +
        [...unknown, ...terminated].join(', ') +
        '] not in a valid state for account ' +
        this.account
      throw new InvalidInstanceId({ message, Message: message, $metadata: metadata(400) })
    }

    const parameters = (input.Parameters ?? {}) as Record<string, string[]>
    const script = (parameters.commands ?? []).join('\n')
    const kind = this.kindOf(input.DocumentName, script)
    const executionTimeoutS =
      Number(parameters.executionTimeout?.[0] ?? DEFAULT_EXECUTION_TIMEOUT_S) ||
      DEFAULT_EXECUTION_TIMEOUT_S
    const deliveryTimeoutMs = (input.TimeoutSeconds ?? 3600) * 1000
    const id = `${hex(this.startedAt % 0xffffffff, 8)}-${hex(this.commandSeq >> 16, 4)}-4${hex(this.commandSeq, 3)}-8000-${hex(this.commandSeq * 2654435761, 12)}`
    this.commandSeq++
    const command: CommandState = {
      id,
      kind,
      documentName: input.DocumentName,
      comment: input.Comment ?? '',
      sentAt: now,
      invocations: []
    }
    const health = kind === 'health' ? readHealthScript(script) : undefined

    for (const instanceId of ids) {
      const host = this.hosts.get(instanceId)!
      const inv = this.plan(command, host, kind, now, executionTimeoutS, deliveryTimeoutMs)
      if (health) this.waitOnHost(inv, health)
      command.invocations.push(inv)
      if (kind !== 'health') {
        host.scripts.push(inv)
        host.episodes = undefined
      }
      if (kind === 'deploy') host.deploys++
      if (kind === 'rollback') host.rollbacks++
      if (kind !== 'health') this.checkNotInService(command, host, now)
    }
    this.commandsById.set(id, command)
    this.commands.push({
      at: now,
      commandId: id,
      kind,
      documentName: input.DocumentName,
      instanceIds: [...ids],
      parameters,
      timeoutSeconds: input.TimeoutSeconds,
      comment: input.Comment
    })
    return {
      Command: {
        CommandId: id,
        DocumentName: input.DocumentName,
        Comment: input.Comment,
        InstanceIds: [...ids],
        Parameters: parameters,
        RequestedDateTime: new Date(now),
        Status: 'Pending',
        StatusDetails: 'Pending',
        TargetCount: ids.length,
        CompletedCount: 0,
        ErrorCount: 0,
        DeliveryTimedOutCount: 0,
        TimeoutSeconds: input.TimeoutSeconds,
        MaxConcurrency: '50',
        MaxErrors: '0'
      },
      $metadata: metadata(200)
    }
  }

  /** Invariant 1: a command other than the health check must find the host out of every group. */
  private checkNotInService(command: CommandState, host: HostState, now: number): void {
    for (const g of this.groups) {
      for (const reg of g.regs.values()) {
        if (reg.host !== host) continue
        const phase = this.phase(reg, now)
        if (phase === 'gone') continue
        this.violations.push({
          at: now,
          commandId: command.id,
          kind: command.kind,
          instanceId: host.id,
          group: g.spec.name,
          port: reg.port,
          state: phase === 'draining' ? 'draining' : this.elbState(reg, now)
        })
      }
    }
  }

  /**
   * A health script reads at its start and, with a wait, again every 0.5 s until the app answers
   * 2xx (with the expected text) or the wait is over: it ends that much later, on its last reading.
   */
  private waitOnHost(inv: Invocation, health: NonNullable<Invocation['health']>): void {
    inv.health = health
    if (inv.start === undefined || inv.outcome.status !== 'Success') return
    const until = inv.start + health.wait.seconds * 1000
    let t = inv.start
    for (;;) {
      const a = this.appAnswer(inv.host, t, health.port, health.path)
      const passes =
        a.status >= 200 &&
        a.status < 300 &&
        (!health.wait.expect || a.body.includes(health.wait.expect))
      if (passes || t + 500 > until) break
      t += 500
    }
    inv.readAt = t
    inv.end += t - inv.start
  }

  /**
   * How one invocation will go, decided when it is sent (cancel and termination may cut it short).
   * Its statuses over time are the AWS model's (aws-model/invocations.ts, from "Understanding
   * command statuses" and the GetCommandInvocation API): `Pending` until the agent takes it,
   * `InProgress`, then `Success`, `Failed` (exit code not 0), `TimedOut` at the execution timeout;
   * an unreachable node `DeliveryTimedOut` after delivery timeout + execution timeout;
   * `Undeliverable` at once. The simulator only says what the host does.
   */
  private plan(
    command: CommandState,
    host: HostState,
    kind: CommandKind,
    now: number,
    executionTimeoutS: number,
    deliveryTimeoutMs: number
  ): Invocation {
    const base = {
      command,
      host,
      kind,
      sentAt: now,
      visibleAt: now + this.timing.invocationVisibleMs
    }
    const f = host.faults
    const terminated = host.terminatedAt !== undefined && now >= host.terminatedAt
    const model: InvocationModel = {
      sentAt: now,
      node: 'online',
      deliveryTimeoutMs,
      executionTimeoutMs: executionTimeoutS * 1000,
      deliveryLatencyMs: this.timing.deliveryMs,
      runMs: 0,
      exitCode: 0
    }
    let versionAfter: string | undefined
    if (f.agentOffline || terminated || (kind === 'deploy' && f.deploy === 'undeliverable')) {
      model.node = 'undeliverable'
    } else if (kind === 'deploy' && f.deploy === 'delivery-timeout') {
      model.node = 'offline'
    } else {
      switch (kind) {
        case 'health':
          model.runMs = this.timing.healthCommandMs
          break
        case 'other':
          model.runMs = this.timing.otherCommandMs
          break
        case 'rollback':
          model.runMs = this.timing.rollbackMs
          if (f.rollback === 'fail') model.exitCode = 1
          else versionAfter = host.firstVersion
          break
        case 'deploy':
          model.runMs = f.deployMs ?? this.timing.deployMs
          if (f.deploy === 'fail') {
            model.runMs = Math.ceil(model.runMs / 2)
            model.exitCode = f.deployExitCode ?? 1
          } else if (f.deploy === 'hang') {
            model.runMs = Infinity
          } else {
            versionAfter = f.wrongVersion ?? this.fleet.targetVersion
          }
          break
      }
    }
    const end = terminalAt(model)
    const outcome = outcomeOf(modelInvocationAt(model, end).status, model.exitCode)
    const ran = model.node === 'online'
    const start = ran ? now + this.timing.deliveryMs : undefined
    return {
      ...base,
      start,
      end,
      outcome,
      versionAfter: outcome.status === 'Success' ? versionAfter : undefined
    }
  }

  /** The invocation's end and outcome once cancel and termination are taken into account. */
  private effective(inv: Invocation): { end: number; outcome: Outcome } {
    const term = inv.host.terminatedAt
    const cut = Math.min(
      inv.cancelledAt ?? Infinity,
      term !== undefined && term >= inv.sentAt ? term : Infinity
    )
    if (cut < inv.end) {
      return {
        end: cut,
        outcome:
          inv.cancelledAt !== undefined && inv.cancelledAt === cut ? CANCELLED : UNDELIVERABLE
      }
    }
    return { end: inv.end, outcome: inv.outcome }
  }

  /** Status, response code and output of an invocation as SSM reports it at t. */
  private invocationAt(
    inv: Invocation,
    t: number
  ): {
    status: string
    details: string
    code: number
    stdout: string
    stderr: string
    started: boolean
    ended: boolean
  } {
    const { end, outcome } = this.effective(inv)
    const started = inv.start !== undefined && t >= inv.start && inv.start < end
    if (t < end) {
      const status = started ? 'InProgress' : 'Pending'
      return { status, details: status, code: -1, stdout: '', stderr: '', started, ended: false }
    }
    let stdout = ''
    let stderr = ''
    const ran = inv.start !== undefined && inv.start < end
    if (ran && inv.kind === 'health' && outcome.status === 'Success' && inv.health) {
      const at = inv.readAt ?? inv.start!
      const answer = this.appAnswer(inv.host, at, inv.health.port, inv.health.path)
      stdout = `${HEALTH_MARKER} status=${answer.status === 0 ? '000' : answer.status}\n${answer.body}`
    } else if (ran && (inv.kind === 'deploy' || inv.kind === 'rollback')) {
      stdout =
        inv.kind === 'deploy'
          ? `deploying ${inv.versionAfter ?? this.fleet.targetVersion}\n`
          : `rolling back to ${inv.host.firstVersion}\n`
      if (outcome.status === 'Success') stdout += 'done\n'
      if (outcome.details === 'Failed')
        stderr = `${inv.kind} failed with exit code ${outcome.code}\n`
      if (outcome.details === 'ExecutionTimedOut')
        stderr = 'failed to run commands: command timed out\n'
    }
    return {
      status: outcome.status,
      details: outcome.details,
      code: outcome.code,
      stdout,
      stderr,
      started: ran,
      ended: true
    }
  }

  private commandOf(id: string | undefined): CommandState {
    const c = id ? this.commandsById.get(id) : undefined
    if (!c)
      throw new InvalidCommandId({ message: `Command ${id} not found`, $metadata: metadata(400) })
    return c
  }

  private listCommandInvocations(
    input: ListCommandInvocationsCommandInput
  ): ListCommandInvocationsCommandOutput {
    const c = this.commandOf(input.CommandId)
    const now = this.clock.now()
    const max = input.MaxResults ?? 50
    if (max < 1 || max > 50) throw ssmValidation('MaxResults must be between 1 and 50')
    const visible = c.invocations.filter(
      (i) => now >= i.visibleAt && (!input.InstanceId || i.host.id === input.InstanceId)
    )
    const offset = input.NextToken ? Number(input.NextToken) : 0
    const page = visible.slice(offset, offset + max)
    const list: CommandInvocation[] = page.map((inv) => {
      const s = this.invocationAt(inv, now)
      const entry: CommandInvocation = {
        CommandId: c.id,
        InstanceId: inv.host.id,
        Comment: c.comment,
        DocumentName: c.documentName,
        DocumentVersion: '$DEFAULT',
        RequestedDateTime: new Date(inv.sentAt),
        Status: s.status as CommandInvocation['Status'],
        StatusDetails: s.details,
        CommandPlugins: []
      }
      if (input.Details) {
        const output = s.stdout + (s.stderr ? `\n----------ERROR-------\n${s.stderr}` : '')
        entry.CommandPlugins = [
          {
            Name: 'aws:runShellScript',
            Status: s.status as CommandPluginStatus,
            StatusDetails: s.details,
            ResponseCode: s.code,
            ResponseStartDateTime: s.started ? new Date(inv.start!) : undefined,
            ResponseFinishDateTime: s.ended ? new Date(this.effective(inv).end) : undefined,
            Output: output.slice(0, 2500)
          }
        ]
      }
      return entry
    })
    const next = offset + max < visible.length ? String(offset + max) : undefined
    return { CommandInvocations: list, NextToken: next, $metadata: metadata(200) }
  }

  private getCommandInvocation(
    input: GetCommandInvocationCommandInput
  ): GetCommandInvocationCommandOutput {
    const now = this.clock.now()
    const c = input.CommandId ? this.commandsById.get(input.CommandId) : undefined
    const inv = c?.invocations.find((i) => i.host.id === input.InstanceId)
    if (!c || !inv || now < inv.visibleAt) {
      throw new InvocationDoesNotExist({
        message: 'An error occurred (InvocationDoesNotExist)',
        $metadata: metadata(400)
      })
    }
    const s = this.invocationAt(inv, now)
    return {
      CommandId: c.id,
      InstanceId: inv.host.id,
      Comment: c.comment,
      DocumentName: c.documentName,
      DocumentVersion: '$DEFAULT',
      PluginName: 'aws:runShellScript',
      ResponseCode: s.code,
      ExecutionStartDateTime: s.started ? new Date(inv.start!).toISOString() : '',
      ExecutionEndDateTime:
        s.ended && s.started ? new Date(this.effective(inv).end).toISOString() : '',
      Status: s.status as GetCommandInvocationCommandOutput['Status'],
      StatusDetails: s.details,
      StandardOutputContent: s.stdout.slice(0, 24_000),
      StandardErrorContent: s.stderr.slice(0, 8_000),
      StandardOutputUrl: '',
      StandardErrorUrl: '',
      $metadata: metadata(200)
    }
  }

  private cancelCommand(input: CancelCommandCommandInput): {
    $metadata: ReturnType<typeof metadata>
  } {
    const c = this.commandOf(input.CommandId)
    const now = this.clock.now()
    for (const inv of c.invocations) {
      if (input.InstanceIds?.length && !input.InstanceIds.includes(inv.host.id)) continue
      if (inv.cancelledAt === undefined && now < this.effective(inv).end) {
        inv.cancelledAt = now
        inv.host.episodes = undefined
      }
    }
    return { $metadata: metadata(200) }
  }

  private describeInstanceInformation(
    input: DescribeInstanceInformationCommandInput
  ): DescribeInstanceInformationCommandOutput {
    const now = this.clock.now()
    const max = input.MaxResults ?? 10
    if (max < 5 || max > 50) throw ssmValidation('MaxResults must be between 5 and 50')
    const filter = [
      ...(input.Filters ?? []),
      ...(input.InstanceInformationFilterList ?? []).map((f) => ({
        Key: f.key,
        Values: f.valueSet
      }))
    ].find((f) => f.Key === 'InstanceIds')
    const ids = filter?.Values ?? [...this.hosts.keys()]
    const hosts = ids.map((id) => this.hosts.get(id)).filter((h): h is HostState => !!h)
    const offset = input.NextToken ? Number(input.NextToken) : 0
    const page = hosts.slice(offset, offset + max)
    return {
      InstanceInformationList: page.map((h) => {
        const lost =
          h.faults.agentOffline || (h.terminatedAt !== undefined && now >= h.terminatedAt)
        return {
          InstanceId: h.id,
          PingStatus: lost ? 'ConnectionLost' : 'Online',
          LastPingDateTime: new Date(
            lost ? Math.min(now, h.terminatedAt ?? this.startedAt - 600_000) : now
          ),
          AgentVersion: '3.3.1142.0',
          IsLatestVersion: true,
          PlatformType: 'Linux',
          PlatformName: 'Amazon Linux',
          PlatformVersion: '2023',
          ResourceType: 'EC2Instance',
          ComputerName: `${h.id}.ec2.internal`
        }
      }),
      NextToken: offset + max < hosts.length ? String(offset + max) : undefined,
      $metadata: metadata(200)
    }
  }

  // -------------------------------------------------------------------------------------------
  // SSM Parameter Store (the lock) and CloudWatch
  // -------------------------------------------------------------------------------------------

  private putParameter(input: PutParameterCommandInput): PutParameterCommandOutput {
    if (!input.Name || input.Value === undefined)
      throw ssmValidation('Name and Value must be given')
    const existing = this.parameters.get(input.Name)
    if (existing && !input.Overwrite) {
      throw new ParameterAlreadyExists({
        message:
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        $metadata: metadata(400)
      })
    }
    const version = (existing?.version ?? 0) + 1
    this.parameters.set(input.Name, {
      value: input.Value,
      type: input.Type ?? existing?.type ?? 'String',
      version,
      modified: this.clock.now()
    })
    return { Version: version, Tier: 'Standard', $metadata: metadata(200) }
  }

  private getParameter(input: GetParameterCommandInput): GetParameterCommandOutput {
    const p = input.Name ? this.parameters.get(input.Name) : undefined
    if (!p)
      throw new ParameterNotFound({
        message: `Parameter ${input.Name} not found.`,
        $metadata: metadata(400)
      })
    return {
      Parameter: {
        Name: input.Name,
        Type: p.type as 'String',
        Value: p.value,
        Version: p.version,
        LastModifiedDate: new Date(p.modified),
        ARN: `arn:aws:ssm:${this.region}:${this.account}:parameter${input.Name}`,
        DataType: 'text'
      },
      $metadata: metadata(200)
    }
  }

  private deleteParameter(input: DeleteParameterCommandInput): {
    $metadata: ReturnType<typeof metadata>
  } {
    if (!input.Name || !this.parameters.delete(input.Name)) {
      throw new ParameterNotFound({
        message: `Parameter ${input.Name} not found.`,
        $metadata: metadata(400)
      })
    }
    return { $metadata: metadata(200) }
  }

  /** The parameters stored now (the lock), by name. */
  parameterValues(): Map<string, string> {
    return new Map([...this.parameters].map(([k, v]) => [k, v.value]))
  }

  private alarmState(name: string, t: number): AlarmStateValue | undefined {
    const timeline = this.fleet.alarms?.[name]
    if (!timeline) return undefined
    let state: AlarmStateValue = 'OK'
    for (const step of timeline) if (t - this.startedAt >= step.afterMs) state = step.state
    return state
  }

  private describeAlarms(input: DescribeAlarmsCommandInput): DescribeAlarmsCommandOutput {
    const names = input.AlarmNames ?? Object.keys(this.fleet.alarms ?? {})
    if (names.length > 100)
      throw cloudwatchError('ValidationError', 'AlarmNames must have at most 100 members')
    const now = this.clock.now()
    const types = input.AlarmTypes ?? ['MetricAlarm']
    const metric = types.includes('MetricAlarm')
      ? names.flatMap((n) => {
          const state = this.alarmState(n, now)
          return state
            ? [
                {
                  AlarmName: n,
                  AlarmArn: `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${n}`,
                  StateValue: state,
                  StateReason: `sim: ${state}`
                }
              ]
            : []
        })
      : []
    return { MetricAlarms: metric, CompositeAlarms: [], $metadata: metadata(200) }
  }

  // -------------------------------------------------------------------------------------------
  // Views for assertions
  // -------------------------------------------------------------------------------------------

  /** The simulator's view of a host now. */
  host(instanceId: string): HostView {
    const host = this.hosts.get(instanceId)
    if (!host) throw new Error(`FleetSim: no host ${instanceId}`)
    const now = this.clock.now()
    const registrations: HostView['registrations'] = []
    for (const g of this.groups) {
      for (const reg of g.regs.values()) {
        if (reg.host !== host) continue
        const health = this.targetHealth(reg, now)
        if (health) registrations.push({ group: g.spec.name, port: reg.port, state: health.State })
      }
    }
    const first = host.spec.registrations[0]
    const group = first ? this.groupByName(first.group) : this.groups[0]!
    const port =
      group.spec.healthCheckPort === 'traffic-port'
        ? (first?.port ?? group.spec.port)
        : Number(group.spec.healthCheckPort)
    return {
      instanceId,
      version: this.versionAt(host, now),
      terminated: host.terminatedAt !== undefined && now >= host.terminatedAt,
      registrations,
      inService: this.inService(host, now),
      appStatus: this.appStatus(host, now, port, group.spec.healthCheckPath),
      deploys: host.deploys,
      rollbacks: host.rollbacks
    }
  }

  /** Every host's view now. */
  hostViews(): HostView[] {
    return [...this.hosts.keys()].map((id) => this.host(id))
  }

  /** Hosts out of service now (taken out by a deregistration, not healthy everywhere since). */
  outOfServiceNow(): string[] {
    this.refreshOutOfService(this.clock.now())
    return [...this.outSince.keys()]
  }

  /** The ARN of a group by name. */
  arnOf(groupName: string): string {
    return this.groupByName(groupName).arn
  }

  /** Total calls to every API. */
  get totalApiCalls(): number {
    return this.totalCalls
  }
}
