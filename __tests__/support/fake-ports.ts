// A small fake world behind the rollout's ports (LoadBalancer, CommandRunner, AlarmSource), on
// the virtual clock. State is computed from virtual time whenever a port is called, so the fake sets no
// timers of its own. Every call lands in an ordered log (`world.calls`), e.g.
//   ['describe tg-a', 'deregister tg-a i-1:80', 'describe tg-a', 'send deploy i-1', 'list deploy-1', ...]
// Far simpler than the fleet simulator in __tests__/sim: no traffic, no token buckets.
//
// Target health over time (initial until the first check within one interval, healthy after ONE
// pass, thresholds only from unhealthy, draining for the whole delay) is not decided here: the
// fake feeds each registration's history to the shared model in ./aws-model/ (target-health.ts),
// whose comments cite the AWS page behind each rule (ALB health checks, TargetHealth API,
// deregistration delay). The fleet simulator uses the same model.

import {
  MemberRefusedError,
  type LoadBalancer,
  type Member,
  type MemberState,
  type MemberStatus,
  type Pool
} from '../../src/ports/load-balancer.js'
import type { AlarmSource, AlarmStatus } from '../../src/ports/alarms.js'
import type {
  CommandOutput,
  CommandRunner,
  CommandSpec,
  Invocation,
  InvocationStatus,
  PingStatus,
  SentCommand
} from '../../src/ports/command-runner.js'
import type { Log } from '../../src/ports/log.js'
import type { RolloutDeps } from '../../src/rollout/deps.js'
import type { RolloutOutcome } from '../../src/rollout/outcome.js'
import type { Settings } from '../../src/settings.js'
import { HEALTH_MARKER, readHealthScript, type HealthTarget } from '../../src/health/script.js'
import { rollout } from '../../src/rollout/rollout.js'
import { VirtualClock } from './virtual-clock.js'
import { targetGroupSettings, type TargetGroupModelSettings } from './aws-model/settings.js'
import { targetHealthAt, type TargetEvent } from './aws-model/target-health.js'
import { invocationAt } from './aws-model/invocations.js'

export const SEC = 1000
export const MIN = 60 * SEC

/** What a host does when the deploy command reaches it. */
export interface DeployBehaviour {
  /** The invocation's final status (default Success). */
  status?: InvocationStatus
  /** Exit code (default 0 for Success, 1 for Failed, -1 when the script never ran). */
  exitCode?: number
  /** How long the invocation runs (default 20 s); Infinity: it never ends by itself. */
  durationMs?: number
  stdout?: string
  stderr?: string
  /** How the host looks once the command ended. A Success defaults to `{ version: release }`. */
  then?: Partial<Pick<FakeHost, 'version' | 'http' | 'lbCheck'>>
}

export interface FakeHost {
  /** What its health endpoint reports in the JSON body. */
  version: string
  /** The HTTP status its health endpoint answers (0: nothing listens). */
  http: number
  /** The load balancer's health checks: 'auto' passes when `http` is 2xx. */
  lbCheck: 'auto' | 'pass' | 'fail'
  ping: PingStatus
  deploy: DeployBehaviour
  /** What the rollback command does; a Success defaults to `{ version: 'v1' }` (the old release). */
  rollback: DeployBehaviour
  /** Once deregistered, it never finishes draining (a connection that will not close). */
  drainStuck?: boolean
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'

export interface GroupSpec {
  name: string
  /** Which load balancer serves it (default 'alb'): min-drain and timeouts differ by kind. */
  kind?: 'alb' | 'nlb'
  targetType?: string
  healthCheckPath?: string
  healthCheckPort?: string
  intervalSeconds?: number
  healthyThreshold?: number
  deregistrationDelaySeconds?: number
  /** Registered targets: 'i-1' (port 80), 'i-1:8080', or with a fixed state for discovery tests. */
  targets: Array<string | { id: string; port?: number; state: TargetState }>
}

export interface WorldSpec {
  groups: GroupSpec[]
  /** Per-host overrides; hosts named only in groups get the defaults. */
  hosts?: Record<string, Partial<FakeHost>>
  /** The version a successful deploy installs (default 'v2'); every host starts on 'v1'. */
  release?: string
  /** SendCommand's limit: the fake splits like the SSM adapter (default 50). */
  maxPerCommand?: number
  /** How long after SendCommand the invocations start to be listed (default 0). */
  listDelayMs?: number
  /**
   * How long draining outlasts the deregistration delay (default 0). On AWS a target often
   * reads `draining` for a few seconds past the delay: tests use this to look at a host mid-drain.
   * It is the model's deregistration propagation (aws-model/settings.ts).
   */
  drainOverrunMs?: number
  /** When the first health check comes after RegisterTargets (default: a whole interval). */
  firstCheckPhaseMs?: number
  /** CloudWatch alarms that exist, with their state (change them with setAlarm). */
  alarms?: Record<string, AlarmState>
}

/**
 * The fake models ELBv2 and speaks its words inside (target groups, target health states), as
 * DescribeTargetHealth documents them:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
 * and translates them at the port, as src/aws/elb.ts does.
 */
type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable'

/** A target group as the fake keeps it (ELB's fields); the rollout sees it as a Pool. */
export interface FakeTargetGroup {
  arn: string
  name: string
  targetType: string
  healthCheckPath?: string
  healthCheckPort: string
  healthCheckIntervalSeconds: number
  healthyThresholdCount: number
  deregistrationDelaySeconds: number
  kind: 'alb' | 'nlb'
}

/** ELB target states in the port's words (the same mapping as src/aws/elb.ts). */
const MEMBER_STATE: Record<TargetState, MemberState> = {
  healthy: 'in-service',
  initial: 'entering',
  draining: 'draining',
  unused: 'out',
  unhealthy: 'unhealthy',
  unavailable: 'unavailable'
}

function toPool(g: FakeTargetGroup): Pool {
  return {
    id: g.arn,
    name: g.name,
    kind: g.kind,
    unsupported: g.targetType === 'instance' ? undefined : `has target type ${g.targetType}`,
    healthCheckPath: g.healthCheckPath,
    healthCheckPort: g.healthCheckPort === 'traffic-port' ? undefined : Number(g.healthCheckPort),
    healthCheckPortLabel: g.healthCheckPort,
    healthCheckIntervalSeconds: g.healthCheckIntervalSeconds,
    healthyThresholdCount: g.healthyThresholdCount,
    drainDelaySeconds: g.deregistrationDelaySeconds
  }
}

function memberStatus(
  instanceId: string,
  port: number,
  state: TargetState,
  reason = reasonOf(state).reason
): MemberStatus {
  return {
    instanceId,
    port,
    state: MEMBER_STATE[state],
    label: state,
    ...(reason ? { reason } : {})
  }
}

/** ELB refusing a target (InvalidTarget) reaches the rollout as the port's MemberRefusedError. */
async function refusals(call: () => Promise<void>): Promise<void> {
  try {
    await call()
  } catch (err) {
    const name = (err as { name?: string }).name ?? ''
    if (name === 'InvalidTarget' || name === 'InvalidTargetException')
      throw new MemberRefusedError((err as Error).message)
    throw err
  }
}

interface Registration {
  instanceId: string
  port: number
  /** RegisterTargets and DeregisterTargets on this target, in time order (the model's input). */
  events: TargetEvent[]
  /** A state fixed by the test (discovery of draining/unused targets), until the next change. */
  fixed?: TargetState
}

/** How long before the start the seeded registrations were made: their checks have settled. */
const SEEDED_MS = 3_600_000

interface FakeGroup {
  info: FakeTargetGroup
  regs: Registration[]
}

interface FakeInvocation {
  instanceId: string
  endsAt: number
  status: InvocationStatus
  exitCode: number
  stdout: string
  stderr: string
  then?: DeployBehaviour['then']
  ended: boolean
}

/** What a command is, from what it runs: the health probe, the rollback command, or a deploy. */
type CommandKind = 'deploy' | 'rollback' | 'health'

interface FakeCommand {
  id: string
  kind: CommandKind
  sentAt: number
  invocations: FakeInvocation[]
}

type Matcher = string | RegExp | ((call: string) => boolean)

const matches = (m: Matcher, call: string): boolean =>
  typeof m === 'string' ? call.startsWith(m) : m instanceof RegExp ? m.test(call) : m(call)

/** An error shaped like the SDK's ThrottlingException ("Rate exceeded"). */
export function throttling(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 }
  })
}

/** A non-transient AWS error. */
export function accessDenied(): Error {
  return Object.assign(new Error('not authorized'), {
    name: 'AccessDeniedException',
    $metadata: { httpStatusCode: 400 }
  })
}

const DEFAULT_DEPLOY_MS = 20 * SEC
const HEALTH_PROBE_MS = 2 * SEC

export class FakeWorld implements LoadBalancer, CommandRunner, AlarmSource {
  readonly clock = new VirtualClock()
  /** Every port call in order; a call that threw ends with ` !<error name>`. */
  readonly calls: string[] = []
  /** Virtual time of each call, same index as `calls`. */
  readonly callTimes: number[] = []
  /** Each DescribeTargetHealth: the group, and the targets asked about (undefined: all of them). */
  readonly describes: Array<{ group: string; targets?: string }> = []
  /** Broken invariants seen by the fake itself (a deploy reaching a registered host, ...). */
  readonly violations: string[] = []
  /** Everything the rollout logged, as 'info: ...', 'warning: ...', 'error: ...'. */
  readonly logLines: string[] = []
  /** What the rollout logged at debug level (retries, throttling). */
  readonly debugLines: string[] = []
  readonly release: string
  readonly hosts = new Map<string, FakeHost>()
  readonly groups: FakeGroup[] = []
  readonly commands = new Map<string, FakeCommand>()
  /** Every send: which kind, which hosts, which command IDs came back, what a health check reads. */
  readonly sends: Array<{
    kind: CommandKind
    instanceIds: string[]
    commandIds: string[]
    probe?: HealthTarget
    spec: CommandSpec
  }> = []

  readonly alarms = new Map<string, AlarmState>()
  private readonly maxPerCommand: number
  private readonly listDelayMs: number
  private readonly drainOverrunMs: number
  private readonly firstCheckPhaseMs?: number
  /** Per host: when its app started to pass or fail the load balancer's checks (the model's input). */
  private readonly appEvents = new Map<string, TargetEvent[]>()
  private readonly faults: Array<{ match: Matcher; times: number; error: () => unknown }> = []
  private readonly hooks: Array<{ match: Matcher; fn: (call: string) => void; once: boolean }> = []
  private nextCommand = 1
  /** The instances registered (not draining or unused) in an instance group at the start. */
  private readonly initialFleet = new Set<string>()

  constructor(spec: WorldSpec) {
    this.release = spec.release ?? 'v2'
    this.maxPerCommand = spec.maxPerCommand ?? 50
    this.listDelayMs = spec.listDelayMs ?? 0
    this.drainOverrunMs = spec.drainOverrunMs ?? 0
    this.firstCheckPhaseMs = spec.firstCheckPhaseMs
    for (const [name, state] of Object.entries(spec.alarms ?? {})) this.alarms.set(name, state)
    for (const g of spec.groups) {
      const regs: Registration[] = g.targets.map((t) => {
        const [id, port] = typeof t === 'string' ? t.split(':') : [t.id, String(t.port ?? 80)]
        this.ensureHost(id!)
        return {
          instanceId: id!,
          port: Number(port ?? 80),
          events: [{ at: this.clock.now() - SEEDED_MS, type: 'register' as const }],
          fixed: typeof t === 'string' ? undefined : t.state
        }
      })
      this.groups.push({
        info: {
          arn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${g.name}/0123456789abcdef`,
          name: g.name,
          targetType: g.targetType ?? 'instance',
          healthCheckPath: g.healthCheckPath ?? '/health',
          healthCheckPort: g.healthCheckPort ?? 'traffic-port',
          healthCheckIntervalSeconds: g.intervalSeconds ?? 5,
          healthyThresholdCount: g.healthyThreshold ?? 2,
          deregistrationDelaySeconds: g.deregistrationDelaySeconds ?? 30,
          kind: g.kind ?? 'alb'
        },
        regs
      })
    }
    for (const [id, patch] of Object.entries(spec.hosts ?? {}))
      Object.assign(this.ensureHost(id), patch)
    this.observeApps(this.clock.now() - SEEDED_MS)
    for (const g of this.groups) {
      if (g.info.targetType !== 'instance') continue
      for (const r of g.regs)
        if (r.fixed !== 'draining' && r.fixed !== 'unused') this.initialFleet.add(r.instanceId)
    }
  }

  // ---- scripting -------------------------------------------------------------------------

  host(id: string): FakeHost {
    const h = this.hosts.get(id)
    if (!h) throw new Error(`fake: unknown host ${id}`)
    return h
  }

  group(name: string): FakeTargetGroup {
    return this.fakeGroup(name).info
  }

  /** The next `times` calls matching throw `error` (a ThrottlingException by default). */
  fail(match: Matcher, times = 1, error: () => unknown = throttling): this {
    this.faults.push({ match, times, error })
    return this
  }

  /** Runs fn when a matching call arrives, before it takes effect. */
  when(match: Matcher, fn: (call: string) => void, once = true): this {
    this.hooks.push({ match, fn, once })
    return this
  }

  /** The load balancer's state of one registration now; 'absent' once it is gone. */
  lbState(groupName: string, instanceId: string, port = 80): TargetState | 'absent' {
    const g = this.fakeGroup(groupName)
    const reg = g.regs.find((r) => r.instanceId === instanceId && r.port === port)
    return (reg && this.stateOf(g, reg)) ?? 'absent'
  }

  /** Sets an alarm's state (creating the alarm when it did not exist). */
  setAlarm(name: string, state: AlarmState): this {
    this.alarms.set(name, state)
    return this
  }

  /** Calls that change or run something: register, deregister, deploy or rollback commands, cancel. */
  mutations(): string[] {
    return this.ok().filter((c) =>
      /^(register|deregister|send deploy|send rollback|cancel) /.test(c)
    )
  }

  /** The calls that went through (not the ones a fault made throw). */
  ok(): string[] {
    return this.calls.filter((c) => !c.includes(' !'))
  }

  /** The successful calls that mention this instance, in order. */
  callsFor(instanceId: string): string[] {
    const word = new RegExp(`[ ,]${instanceId}(?=[:, ]|$)`)
    return this.ok().filter((c) => word.test(c))
  }

  deps(extra: Partial<RolloutDeps> = {}): RolloutDeps {
    const log: Log = {
      debug: (m) => void this.debugLines.push(m),
      info: (m) => void this.logLines.push(`info: ${m}`),
      warning: (m) => void this.logLines.push(`warning: ${m}`),
      error: (m) => void this.logLines.push(`error: ${m}`),
      group: (_name, fn) => fn()
    }
    return {
      lb: this,
      runner: this,
      alarms: this,
      clock: this.clock,
      log,
      random: () => 0.5,
      ...extra
    }
  }

  /**
   * Runs a whole rollout on virtual time, then checks what must hold after any run: it rejects
   * when a deploy reached a registered or draining host, or when the report and the load
   * balancer disagree about a host.
   */
  async run(settings: Settings, extra: Partial<RolloutDeps> = {}): Promise<RolloutOutcome> {
    const outcome = await this.clock.run(() => rollout(settings, this.deps(extra)))
    const broken = [...this.violations, ...this.reportVersusWorld(outcome)]
    if (broken.length > 0) throw new Error(`invariants broken:\n${broken.join('\n')}`)
    return outcome
  }

  /** Where the report and the load balancer disagree (SPEC invariants 1 and 3). */
  reportVersusWorld(outcome: RolloutOutcome): string[] {
    const problems: string[] = []
    const seen = new Set<string>()
    for (const h of outcome.hosts) {
      if (seen.has(h.instanceId)) problems.push(`${h.instanceId} is in the report twice`)
      seen.add(h.instanceId)
      const states = h.memberships.map((r) => {
        const g = this.byArn(r.poolId)
        return `${g.info.name}:${r.port}=${this.lbState(g.info.name, h.instanceId, r.port)}`
      })
      const registered = states.every((s) => !/=(absent|draining)$/.test(s))
      const gone = states.every((s) => /=(absent|draining)$/.test(s))
      const say = (what: string) =>
        problems.push(`${h.instanceId} (${h.state} at ${h.step}) ${what}: ${states.join(' ')}`)
      // (A deployed host out of service is one a cancel caught in its rollback cycle.)
      if (
        h.state === 'deployed' &&
        !h.outOfService &&
        !states.every((s) => s.endsWith('=healthy'))
      ) {
        say('is deployed but not healthy in every group')
      }
      // A host being restored is registered again before the load balancer calls it healthy.
      if (h.outOfService && !gone && h.step !== 'restore') {
        say('is reported out of service but still registered')
      }
      if (!h.outOfService && !registered) say('is out of the load balancer but not reported so')
    }
    for (const id of this.initialFleet) {
      if (!seen.has(id)) problems.push(`${id} is missing from the report`)
    }
    return problems
  }

  // ---- LoadBalancer ------------------------------------------------------------------------

  async resolvePools(refs: string[]): Promise<Pool[]> {
    this.call(`resolve ${refs.join(',')}`)
    // Like a careless adapter: unknown names are silently left out.
    const found = this.groups.filter((g) => refs.includes(g.info.name) || refs.includes(g.info.arn))
    return found.map((g) => toPool(g.info))
  }

  async describeMembers(group: Pool, targets?: Member[]): Promise<MemberStatus[]> {
    const g = this.byArn(group.id)
    this.call(`describe ${g.info.name}`)
    this.describes.push({ group: g.info.name, targets: targets && targetList(targets) })
    const out: MemberStatus[] = []
    for (const reg of g.regs) {
      if (targets && !targets.some((t) => t.instanceId === reg.instanceId && t.port === reg.port))
        continue
      const health = this.healthOf(g, reg)
      if (health.state === 'unused' && !reg.fixed) continue
      out.push(memberStatus(reg.instanceId, reg.port, health.state, health.reason))
    }
    // As ELB answers a target it was asked about but no longer has.
    for (const t of targets ?? []) {
      if (!out.some((o) => o.instanceId === t.instanceId && o.port === t.port))
        out.push(memberStatus(t.instanceId, t.port, 'unused'))
    }
    return out
  }

  takeOut(poolId: string, members: Member[]): Promise<void> {
    return refusals(() => this.deregister(poolId, members))
  }

  putBack(poolId: string, members: Member[]): Promise<void> {
    return refusals(() => this.register(poolId, members))
  }

  private async deregister(targetGroupArn: string, targets: Member[]): Promise<void> {
    const g = this.byArn(targetGroupArn)
    this.call(`deregister ${g.info.name} ${targetList(targets)}`)
    for (const t of targets) {
      // Deregistering a target that is not registered succeeds and changes nothing: the model
      // ignores the event then (deregisterTargetsApi in aws-model/sources.ts).
      const reg = g.regs.find((r) => r.instanceId === t.instanceId && r.port === t.port)
      if (!reg) continue
      reg.events.push({ at: this.clock.now(), type: 'deregister' })
      reg.fixed = undefined
    }
  }

  private async register(targetGroupArn: string, targets: Member[]): Promise<void> {
    const g = this.byArn(targetGroupArn)
    this.call(`register ${g.info.name} ${targetList(targets)}`)
    for (const t of targets) {
      const event: TargetEvent = { at: this.clock.now(), type: 'register' }
      const reg = g.regs.find((r) => r.instanceId === t.instanceId && r.port === t.port)
      if (reg) Object.assign(reg, { fixed: undefined, events: [...reg.events, event] })
      else g.regs.push({ instanceId: t.instanceId, port: t.port, events: [event] })
    }
  }

  // ---- CommandRunner -----------------------------------------------------------------------

  async send(instanceIds: string[], spec: CommandSpec): Promise<SentCommand[]> {
    const script = spec.parameters.commands?.[0] ?? ''
    const probe = readHealthScript(script)
    const kind: CommandKind = probe
      ? 'health'
      : spec.comment.includes('rollback')
        ? 'rollback'
        : 'deploy'
    this.call(`send ${kind} ${instanceIds.join(',')}`)
    const now = this.clock.now()
    if (kind !== 'health') {
      for (const id of instanceIds) {
        for (const g of this.groups) {
          for (const reg of g.regs.filter((r) => r.instanceId === id)) {
            const state = this.stateOf(g, reg)
            if (state && state !== 'unused') {
              this.violations.push(`${kind} sent to ${id} while ${state} in ${g.info.name}`)
            }
          }
        }
      }
    }
    const sent: SentCommand[] = []
    for (let i = 0; i < instanceIds.length; i += this.maxPerCommand) {
      const ids = instanceIds.slice(i, i + this.maxPerCommand)
      const id = `${kind}-${this.nextCommand++}`
      const invocations = ids.map((instanceId) =>
        kind === 'health'
          ? this.probeInvocation(instanceId, now)
          : this.commandInvocation(instanceId, now, kind)
      )
      this.commands.set(id, { id, kind, sentAt: now, invocations })
      sent.push({ commandId: id, instanceIds: ids })
    }
    this.sends.push({
      kind,
      instanceIds: [...instanceIds],
      commandIds: sent.map((s) => s.commandId),
      probe,
      spec
    })
    return sent
  }

  async invocations(commandId: string): Promise<Invocation[]> {
    this.call(`list ${commandId}`)
    const cmd = this.command(commandId)
    if (this.clock.now() < cmd.sentAt + this.listDelayMs) return []
    return cmd.invocations.map((inv) =>
      inv.ended
        ? {
            instanceId: inv.instanceId,
            status: inv.status,
            statusDetails: inv.status,
            responseCode: inv.exitCode,
            output: inv.stdout.slice(0, 2500)
          }
        : { instanceId: inv.instanceId, ...inFlight(cmd.sentAt, inv.endsAt, this.clock.now()) }
    )
  }

  async output(commandId: string, instanceId: string): Promise<CommandOutput> {
    this.call(`output ${commandId} ${instanceId}`)
    const inv = this.invocation(commandId, instanceId)
    if (!inv.ended) return { stdout: '', stderr: '' }
    // GetCommandInvocation returns "the first 24,000 characters written by the plugin to stdout"
    // and the first 8,000 of stderr (API_GetCommandInvocation.html, StandardOutputContent).
    const cut = inv.stdout.length > 24_000 || inv.stderr.length > 8_000
    return {
      stdout: inv.stdout.slice(0, 24_000),
      stderr: inv.stderr.slice(0, 8_000),
      ...(cut ? { truncated: true } : {})
    }
  }

  async cancel(commandId: string, instanceIds: string[]): Promise<void> {
    this.call(`cancel ${commandId} ${instanceIds.join(',')}`)
    for (const id of instanceIds) {
      const inv = this.invocation(commandId, id)
      if (inv.ended) continue
      Object.assign(inv, {
        ended: true,
        endsAt: this.clock.now(),
        status: 'Cancelled',
        exitCode: -1,
        then: undefined
      })
    }
  }

  async pingStatus(instanceIds: string[]): Promise<Map<string, PingStatus>> {
    this.call(`ping ${instanceIds.join(',')}`)
    return new Map(
      instanceIds.flatMap((id) => {
        const h = this.hosts.get(id)
        return h && h.ping !== 'Unknown' ? [[id, h.ping] as const] : []
      })
    )
  }

  // ---- AlarmSource --------------------------------------------------------------------------

  async firing(alarmNames: string[]): Promise<string[]> {
    return (await this.describe(alarmNames)).firing
  }

  /** Like DescribeAlarms: only alarms that exist are answered for. */
  async describe(alarmNames: string[]): Promise<AlarmStatus> {
    this.call(`alarms ${alarmNames.join(',')}`)
    return {
      firing: alarmNames.filter((n) => this.alarms.get(n) === 'ALARM'),
      missing: alarmNames.filter((n) => !this.alarms.has(n))
    }
  }

  // ---- inside the world --------------------------------------------------------------------

  private ensureHost(id: string): FakeHost {
    let h = this.hosts.get(id)
    if (!h) {
      h = { version: 'v1', http: 200, lbCheck: 'auto', ping: 'Online', deploy: {}, rollback: {} }
      this.hosts.set(id, h)
    }
    return h
  }

  private fakeGroup(name: string): FakeGroup {
    const g = this.groups.find((x) => x.info.name === name)
    if (!g) throw new Error(`fake: unknown group ${name}`)
    return g
  }

  private byArn(arn: string): FakeGroup {
    const g = this.groups.find((x) => x.info.arn === arn)
    if (!g) throw new Error(`fake: no target group ${arn}`)
    return g
  }

  private command(id: string): FakeCommand {
    const c = this.commands.get(id)
    if (!c) throw Object.assign(new Error(`no command ${id}`), { name: 'InvalidCommandId' })
    return c
  }

  private invocation(commandId: string, instanceId: string): FakeInvocation {
    const inv = this.command(commandId).invocations.find((i) => i.instanceId === instanceId)
    if (!inv)
      throw Object.assign(new Error('no such invocation'), { name: 'InvocationDoesNotExist' })
    return inv
  }

  private passesLbCheck(id: string): boolean {
    const h = this.host(id)
    return h.lbCheck === 'auto' ? h.http >= 200 && h.http < 300 : h.lbCheck === 'pass'
  }

  /** The model's settings for a group: the fake's fields, AWS's defaults for the rest. */
  private modelSettings(g: FakeGroup): TargetGroupModelSettings {
    return targetGroupSettings('alb', {
      intervalMs: g.info.healthCheckIntervalSeconds * SEC,
      healthyThreshold: g.info.healthyThresholdCount,
      deregistrationDelayMs: g.info.deregistrationDelaySeconds * SEC,
      deregistrationPropagationMs: this.drainOverrunMs,
      firstCheckPhaseMs: this.firstCheckPhaseMs
    })
  }

  /** The model's health of a registration now and the reason code it shows. */
  private healthOf(g: FakeGroup, reg: Registration): { state: TargetState; reason?: string } {
    if (reg.fixed) return { state: reg.fixed, ...reasonOf(reg.fixed) }
    this.observeApp(reg.instanceId, this.clock.now())
    const events = [...reg.events, ...(this.appEvents.get(reg.instanceId) ?? [])]
    const health = targetHealthAt(this.modelSettings(g), events, this.clock.now())
    // drainStuck is a fault, not an AWS behaviour: a target that never leaves `draining`.
    const last = reg.events[reg.events.length - 1]
    if (
      this.host(reg.instanceId).drainStuck &&
      last?.type === 'deregister' &&
      health.state === 'unused'
    )
      return { state: 'draining', reason: 'Target.DeregistrationInProgress' }
    return health
  }

  /** A registration's state now; undefined when the load balancer no longer lists it. */
  private stateOf(g: FakeGroup, reg: Registration): TargetState | undefined {
    const { state } = this.healthOf(g, reg)
    return state === 'unused' && !reg.fixed ? undefined : state
  }

  /** Records, for each host, a change in whether its app passes the load balancer's checks. */
  private observeApps(at: number): void {
    for (const id of this.hosts.keys()) this.observeApp(id, at)
  }

  private observeApp(id: string, at: number): void {
    const events = this.appEvents.get(id) ?? []
    const healthy = this.passesLbCheck(id)
    const last = events[events.length - 1]
    if (last?.type === 'app' && last.healthy === healthy) return
    if (last === undefined && healthy) {
      this.appEvents.set(id, events) // the model's app answers well until told otherwise
      return
    }
    events.push({ at: Math.max(at, last?.at ?? at), type: 'app', healthy })
    this.appEvents.set(id, events)
  }

  private commandInvocation(
    instanceId: string,
    now: number,
    kind: 'deploy' | 'rollback'
  ): FakeInvocation {
    const d = this.host(instanceId)[kind]
    const version = kind === 'deploy' ? this.release : 'v1'
    const status = d.status ?? 'Success'
    const ran = !['Undeliverable', 'DeliveryTimedOut', 'InvalidPlatform', 'AccessDenied'].includes(
      status
    )
    return {
      instanceId,
      endsAt: now + (d.durationMs ?? DEFAULT_DEPLOY_MS),
      status,
      exitCode: d.exitCode ?? (status === 'Success' ? 0 : status === 'Failed' && ran ? 1 : -1),
      stdout:
        d.stdout ??
        (status !== 'Success'
          ? ''
          : kind === 'deploy'
            ? `deployed ${version}\n`
            : `rolled back to ${version}\n`),
      stderr: d.stderr ?? '',
      then: d.then ?? (status === 'Success' ? { version } : undefined),
      ended: false
    }
  }

  private probeInvocation(instanceId: string, now: number): FakeInvocation {
    const online = this.host(instanceId).ping === 'Online'
    return {
      instanceId,
      endsAt: now + HEALTH_PROBE_MS,
      status: online ? 'Success' : 'Undeliverable',
      exitCode: online ? 0 : -1,
      stdout: '', // read from the host when the probe ends
      stderr: '',
      ended: false
    }
  }

  /** Ends the invocations whose time has come, in order, and applies what they did to the host. */
  private tick(): void {
    const now = this.clock.now()
    const due = [...this.commands.values()]
      .flatMap((c) => c.invocations.map((inv) => ({ c, inv })))
      .filter(({ inv }) => !inv.ended && inv.endsAt <= now)
      .sort((a, b) => a.inv.endsAt - b.inv.endsAt)
    for (const { c, inv } of due) {
      inv.ended = true
      const h = this.host(inv.instanceId)
      if (c.kind !== 'health') {
        Object.assign(h, inv.then ?? {})
        this.observeApp(inv.instanceId, inv.endsAt)
      } else if (inv.status === 'Success') {
        inv.stdout = `${HEALTH_MARKER} status=${h.http}\n${JSON.stringify({ version: h.version })}`
      }
    }
  }

  private call(line: string): void {
    this.tick()
    // A test may have changed a host since the last call (directly or in a hook below).
    this.observeApps(this.clock.now())
    this.calls.push(line)
    this.callTimes.push(this.clock.now())
    for (const hook of [...this.hooks]) {
      if (!matches(hook.match, line)) continue
      if (hook.once) this.hooks.splice(this.hooks.indexOf(hook), 1)
      hook.fn(line)
    }
    this.observeApps(this.clock.now())
    const fault = this.faults.find((f) => f.times > 0 && matches(f.match, line))
    if (fault) {
      fault.times--
      const err = fault.error()
      this.calls[this.calls.length - 1] = `${line} !${(err as { name?: string }).name ?? 'Error'}`
      throw err
    }
  }
}

/**
 * What an invocation that has not ended shows, from the shared model (aws-model/invocations.ts,
 * "Understanding command statuses"): the fake's agent takes a command at once, so it is
 * `InProgress` with ResponseCode -1 until the end the test scripted. The end itself (status, exit
 * code) is the test's script of the host, not a rule of AWS.
 */
function inFlight(
  sentAt: number,
  endsAt: number,
  now: number
): { status: InvocationStatus; statusDetails: string; responseCode: number; output: string } {
  const view = invocationAt(
    {
      sentAt,
      node: 'online',
      deliveryTimeoutMs: Infinity,
      executionTimeoutMs: Infinity,
      runMs: endsAt - sentAt,
      exitCode: 0
    },
    Math.min(now, endsAt - 1)
  )
  return {
    status: view.status as InvocationStatus,
    statusDetails: view.status,
    responseCode: view.responseCode,
    output: ''
  }
}

function targetList(targets: Member[]): string {
  return targets.map((t) => `${t.instanceId}:${t.port}`).join(',')
}

function reasonOf(state: TargetState): { reason?: string } {
  switch (state) {
    case 'initial':
      return { reason: 'Elb.RegistrationInProgress' }
    case 'unhealthy':
      return { reason: 'Target.ResponseCodeMismatch' }
    case 'draining':
      return { reason: 'Target.DeregistrationInProgress' }
    case 'unused':
      return { reason: 'Target.NotRegistered' }
    default:
      return {}
  }
}

// The one Settings fixture, re-exported for the tests that build their world from here.
export { settingsFor } from './settings.js'

/** The hosts of an outcome keyed by instance ID, with the fields users read in the report. */
export function byHost(
  outcome: RolloutOutcome
): Record<string, { state: string; step: string; batch: number | null; reason?: string }> {
  return Object.fromEntries(
    outcome.hosts.map((h) => [
      h.instanceId,
      { state: h.state, step: h.step, batch: h.batch, reason: h.reason }
    ])
  )
}

/** Host counts per state. */
export function counts(outcome: RolloutOutcome): Record<string, number> {
  const c: Record<string, number> = {
    deployed: 0,
    failed: 0,
    skipped: 0,
    pending: 0,
    'rolled-back': 0
  }
  for (const h of outcome.hosts) c[h.state] = (c[h.state] ?? 0) + 1
  return c
}

/** `i-1` … `i-n` */
export const ids = (n: number, prefix = 'i-'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`)

/**
 * Calls with repeated polls shown once: a run of the same call, or of the same pair of calls
 * (one describe per target group), becomes one. The order, whatever the number of polls.
 */
export function collapse(calls: string[]): string[] {
  const out: string[] = []
  for (const c of calls) {
    out.push(c)
    for (const k of [1, 2]) {
      const n = out.length
      if (n >= 2 * k && out.slice(n - k).every((x, i) => x === out[n - 2 * k + i])) {
        out.splice(n - k, k)
        break
      }
    }
  }
  return out
}

/** The calls from the first one matching `from` on (inclusive), up to the first matching `to` (exclusive). */
export function between(calls: string[], from: Matcher, to?: Matcher): string[] {
  const start = calls.findIndex((c) => matches(from, c))
  if (start < 0) return []
  const rest = calls.slice(start)
  const end = to === undefined ? -1 : rest.findIndex((c, i) => i > 0 && matches(to, c))
  return end < 0 ? rest : rest.slice(0, end)
}
