// The CloudWatch alarms named by `alarms`: checked to exist before any change, checked before
// every batch, and watched during every wait. An alarm in ALARM stops the run; a transient
// CloudWatch error is only retried (or, while watching, left for the next look).

import { errorMessage, errorName, isTransient } from '../shared/errors.js'
import type { RolloutContext } from './context.js'
import type { Poller } from './poll.js'
import type { AlarmSource, AlarmStatus } from '../ports/alarms.js'
import { ConfigError } from '../shared/config-error.js'
import { type RolloutDeps } from './deps.js'

/** How often a wait looks at the alarms (clock time). */
export const ALARM_WATCH_MS = 10_000

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'])

async function read(source: AlarmSource, names: string[]): Promise<AlarmStatus> {
  if (source.describe) return source.describe(names)
  return { firing: await source.firing(names), missing: [] }
}

const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ')

/** The reason a run stops for alarms, naming them and when they were seen. */
export function alarmReason(firing: string[], activity: string | undefined): string {
  const which = firing.length === 1 ? `alarm ${firing[0]} is` : `alarms ${firing.join(', ')} are`
  return `${which} in ALARM${activity ? ` (seen ${activity})` : ''}`
}

/**
 * Before anything is changed: every named alarm must exist (a typo would otherwise watch
 * nothing for the whole run). Returns the alarms already in ALARM. Throws ConfigError for a
 * missing alarm or a denied DescribeAlarms.
 */
export async function validateAlarms(
  names: string[],
  deps: Pick<RolloutDeps, 'alarms'>,
  poller: Poller,
  patienceMs: number,
  region?: string
): Promise<string[]> {
  if (names.length === 0) return []
  if (!deps.alarms) {
    throw new ConfigError('alarms: this run has no CloudWatch access to read alarms with')
  }
  const source = deps.alarms
  let status: AlarmStatus
  try {
    status = await poller.retry(() => read(source, names), patienceMs)
  } catch (err) {
    if (ACCESS_DENIED.has(errorName(err))) {
      throw new ConfigError(
        `alarms: reading the alarms was denied (${errorMessage(err)}). Allow cloudwatch:DescribeAlarms ` +
          'to the role the workflow runs with, or remove the alarms input to run without watching alarms.'
      )
    }
    throw err
  }
  if (status.missing.length > 0) {
    const one = status.missing.length === 1
    throw new ConfigError(
      `alarms: ${one ? 'no CloudWatch alarm named' : 'no CloudWatch alarms named'} ${quoted(status.missing)} ` +
        `${region ? `in ${region}` : 'in this region'}. Alarm names are case-sensitive: check the ` +
        'names in alarms and the region (aws-region), or remove the name from alarms.'
    )
  }
  return status.firing
}

/** The alarms, as the rollout checks them: strictly between batches, softly during waits. */
export class AlarmWatch {
  private warned = false

  constructor(
    private readonly ctx: RolloutContext,
    private readonly names: string[],
    private readonly source: AlarmSource
  ) {}

  /**
   * Between batches: transient errors are retried (up to the run's API patience); what is
   * firing sets ctx.alarmStop. Returns the stop reason, if any.
   */
  async check(): Promise<string | undefined> {
    const status = await this.ctx.poller.retry(
      () => read(this.source, this.names),
      this.ctx.apiPatienceMs
    )
    this.record(status.firing)
    return this.ctx.alarmStop
  }

  /**
   * During a wait: one look, never a throw. An error is left for the next look (and for the
   * strict check before the next batch); a non-transient one is logged once.
   */
  async look(): Promise<void> {
    if (this.ctx.alarmStop) return
    try {
      this.record((await read(this.source, this.names)).firing)
    } catch (err) {
      if (!isTransient(err) && !this.warned) {
        this.warned = true
        this.ctx.deps.log.warning(
          `could not read the alarms (${errorName(err)}: ${errorMessage(err)}); checking again before the next batch`
        )
      }
    }
  }

  private record(firing: string[]): void {
    if (firing.length === 0 || this.ctx.alarmStop) return
    this.ctx.alarmStop = alarmReason(firing, this.ctx.activity)
    this.ctx.deps.log.error(`${this.ctx.alarmStop}: no new batch starts`)
  }
}
