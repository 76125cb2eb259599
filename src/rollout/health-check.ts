// Health read on the host itself through SSM: the health endpoint must answer 2xx and, when
// expected-version is set, report that version. Hosts sharing a port and path share one command.

import {
  healthScript,
  matchesCodes,
  parseHealthOutput,
  reportsVersion,
  type HealthTarget,
  type HealthWait
} from '../health/script.js'
import type { RolloutContext } from './context.js'
import type { CommandSpec } from '../ports/command-runner.js'
import type { HostRecord } from './outcome.js'
import { runOnHosts } from './run-command.js'

/** How long one health reading may take on a host: the script itself gives curl 5 s. */
const PROBE_TIMEOUT_MS = 60_000
/** A reading that took longer than this to come back was held up (throttling, outage). */
const STALE_READING_MS = 20_000
/**
 * How long one reading may wait on the host for the app to come up (the script reads every
 * 0.5 s): it ends the moment the app passes, so the rollout sees it within one SSM round trip.
 * Kept well under STALE_READING_MS and the script's executionTimeout (30 s, curl gives up at 5 s).
 */
const HOST_WAIT_S = 10
/**
 * Health is read often, since every second of lag is a second the batch stays out of service:
 * a reading's result is looked for after 0.5 s (the script reads one local URL), then every
 * second; a host not yet healthy is read again 0.5 s after its last reading, then every second.
 */
const HEALTH_PACE = { minDelayMs: 500, maxDelayMs: 1000 }

export interface HealthVerdict {
  ok: boolean
  status?: number
  version?: string
  reason?: string
}

/** The endpoint read on a host: the inputs' path and port, else its first target group's check. */
export function healthTarget(ctx: RolloutContext, host: HostRecord): HealthTarget {
  const reg = host.memberships[0]
  const group = ctx.pools.find((g) => g.id === reg?.poolId)
  // A pool checked on each member's own port (ELB's traffic-port): the port the host serves on.
  const port = ctx.settings.healthPort ?? group?.healthCheckPort ?? 'traffic-port'
  // Read as the load balancer reads it: its protocol and success codes. A TCP check has no path:
  // when health-path or expected-version asks for a reading, it is made over HTTP.
  const tcp =
    group?.healthCheckProtocol === 'TCP' &&
    ctx.settings.healthPath === undefined &&
    ctx.settings.expectedVersion === undefined
  const protocol = tcp ? 'tcp' : group?.healthCheckProtocol === 'HTTPS' ? 'https' : undefined
  return {
    port: port === 'traffic-port' ? (reg?.port ?? 80) : port,
    path: ctx.settings.healthPath ?? group?.healthCheckPath ?? '/',
    ...(protocol ? { protocol } : {}),
    ...(group?.successCodes && !tcp ? { codes: group.successCodes } : {})
  }
}

function healthSpec(target: HealthTarget, wait: HealthWait): CommandSpec {
  return {
    documentName: 'AWS-RunShellScript',
    parameters: { commands: [healthScript(target, wait)], executionTimeout: ['30'] },
    deliveryTimeoutSeconds: 30,
    comment: 'rolling-deploy health check'
  }
}

const urlOf = (t: HealthTarget) =>
  t.protocol === 'tcp'
    ? `TCP port ${t.port}`
    : `${t.protocol === 'https' ? 'https' : 'http'}://127.0.0.1:${t.port}${t.path}`

/**
 * One reading of every host, one SSM command per distinct port and path. With waitSeconds, each
 * host's script keeps reading until its app passes or that time is over (see healthScript).
 */
export async function readHealth(
  ctx: RolloutContext,
  hosts: HostRecord[],
  expectedVersion: string | undefined,
  waitSeconds = 0
): Promise<Map<string, HealthVerdict>> {
  const wait: HealthWait = { seconds: waitSeconds, expect: expectedVersion }
  const byTarget = new Map<string, { target: HealthTarget; ids: string[] }>()
  for (const h of hosts) {
    const target = healthTarget(ctx, h)
    const key = `${target.protocol ?? 'http'} ${target.port} ${target.path} ${target.codes ?? ''}`
    const entry = byTarget.get(key) ?? { target, ids: [] }
    entry.ids.push(h.instanceId)
    byTarget.set(key, entry)
  }
  const verdicts = new Map<string, HealthVerdict>()
  await Promise.all(
    [...byTarget.values()].map(async ({ target, ids }) => {
      const results = await runOnHosts(ctx, ids, healthSpec(target, wait), {
        timeoutMs: PROBE_TIMEOUT_MS,
        cancelOnTimeout: false,
        pace: HEALTH_PACE
      })
      for (const [id, r] of results) {
        verdicts.set(id, judge(target, r.status, r.output ?? '', expectedVersion))
      }
    })
  )
  return verdicts
}

function judge(
  target: HealthTarget,
  status: string,
  output: string,
  expected: string | undefined
): HealthVerdict {
  if (status !== 'Success') {
    return { ok: false, reason: `health check could not run on the host (SSM ${status})` }
  }
  const reading = parseHealthOutput(output)
  if (!reading) return { ok: false, reason: 'health check printed no reading' }
  const version =
    reading.version ?? (expected && reading.body.includes(expected) ? expected : undefined)
  if (target.protocol === 'tcp') {
    if (reading.open) return { ok: true }
    return { ok: false, reason: `${urlOf(target)} did not accept a connection` }
  }
  if (!matchesCodes(reading.status, target.codes)) {
    const answer = reading.status === 0 ? 'did not answer' : `answered HTTP ${reading.status}`
    return { ok: false, status: reading.status, version, reason: `${urlOf(target)} ${answer}` }
  }
  if (expected !== undefined && !reportsVersion(reading, expected)) {
    const seen = reading.version ?? 'no matching version in the body'
    return {
      ok: false,
      status: reading.status,
      version: reading.version,
      reason: `reports version ${seen}, expected ${expected}`
    }
  }
  return { ok: true, status: reading.status, version }
}

/** Reads health until every host passes or the timeout ends; the verdicts are the last readings. */
export async function verifyHealth(
  ctx: RolloutContext,
  hosts: HostRecord[],
  expectedVersion: string | undefined,
  timeoutMs: number
): Promise<{ verdicts: Map<string, HealthVerdict>; cancelled: boolean }> {
  const verdicts = new Map<string, HealthVerdict>()
  const waiting = () => hosts.filter((h) => !verdicts.get(h.instanceId)?.ok)
  const { clock } = ctx.deps
  let lastRound = { sentAt: clock.now(), readAt: clock.now() }
  const deadline = clock.now() + timeoutMs
  const round = async () => {
    const sentAt = clock.now()
    // Each reading waits on the host for the app, within what is left of health-timeout.
    const waitSeconds = Math.min(HOST_WAIT_S, Math.floor((deadline - sentAt) / 1000))
    const readings = await readHealth(ctx, waiting(), expectedVersion, Math.max(0, waitSeconds))
    for (const [id, v] of readings) verdicts.set(id, v)
    lastRound = { sentAt, readAt: clock.now() }
  }
  const result = await ctx.poller.until(
    async () => {
      await round()
      return waiting().length === 0 ? true : undefined
    },
    { timeoutMs, ...HEALTH_PACE },
    `${hosts.length} host(s) to pass the health check`
  )
  // A reading that AWS throttling kept from us until past the deadline describes the host as it
  // was long ago: judge the host on a fresh one, never on a stale one (throttling is no failure).
  if (
    result.status === 'timeout' &&
    waiting().length > 0 &&
    lastRound.readAt - lastRound.sentAt > STALE_READING_MS
  ) {
    await round()
  }
  for (const h of hosts) {
    if (!verdicts.has(h.instanceId))
      verdicts.set(h.instanceId, { ok: false, reason: 'no health reading before health-timeout' })
  }
  return { verdicts, cancelled: result.status === 'cancelled' }
}
