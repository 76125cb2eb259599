// CloudWatch alarms behind the AlarmSource port.

import { CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch'
import type { AlarmSource } from '../rollout/ports.js'
import { chunks } from './ssm.js'

/** DescribeAlarms takes at most 100 alarm names per call. */
const NAMES_PER_CALL = 100

export class CloudWatchAlarms implements AlarmSource {
  constructor(private readonly client: CloudWatchClient) {}

  async firing(alarmNames: string[]): Promise<string[]> {
    const firing: string[] = []
    for (const names of chunks(alarmNames, NAMES_PER_CALL)) {
      const pages = paginateDescribeAlarms(
        { client: this.client },
        { AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }
      )
      for await (const page of pages) {
        for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          if (a.StateValue === 'ALARM' && a.AlarmName) firing.push(a.AlarmName)
        }
      }
    }
    return firing
  }
}
