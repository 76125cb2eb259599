// CloudWatch alarms behind the AlarmSource port.

import { CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch'
import type { AlarmSource, AlarmStatus } from '../ports/alarms.js'
import { chunks } from '../shared/chunks.js'

/** DescribeAlarms takes at most 100 alarm names per call. */
const NAMES_PER_CALL = 100

export class CloudWatchAlarms implements AlarmSource {
  constructor(private readonly client: CloudWatchClient) {}

  async firing(alarmNames: string[]): Promise<string[]> {
    return (await this.describe(alarmNames)).firing
  }

  /** One read of every named alarm: DescribeAlarms answers only for alarms that exist. */
  async describe(alarmNames: string[]): Promise<AlarmStatus> {
    const firing: string[] = []
    const found = new Set<string>()
    for (const names of chunks(alarmNames, NAMES_PER_CALL)) {
      const pages = paginateDescribeAlarms(
        { client: this.client },
        { AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }
      )
      for await (const page of pages) {
        for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          if (!a.AlarmName) continue
          found.add(a.AlarmName)
          if (a.StateValue === 'ALARM') firing.push(a.AlarmName)
        }
      }
    }
    return { firing, missing: alarmNames.filter((n) => !found.has(n)) }
  }
}
