import { describe, it, expect, beforeEach } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { CloudWatchAlarms } from '../../src/aws/cloudwatch.js'

const client = new CloudWatchClient({ region: 'us-east-1' })
const cw = mockClient(client)
const alarms = new CloudWatchAlarms(client)

type DescribeInput = { AlarmNames?: string[]; AlarmTypes?: string[]; NextToken?: string }
let inputs: DescribeInput[] = []

beforeEach(() => {
  cw.reset()
  inputs = []
})

describe('firing', () => {
  it('returns only the alarms in ALARM, metric and composite alike', async () => {
    cw.on(DescribeAlarmsCommand).callsFake((input: DescribeInput) => {
      inputs.push(structuredClone(input))
      return {
        MetricAlarms: [
          { AlarmName: '5xx-rate', StateValue: 'ALARM' },
          { AlarmName: 'latency-p99', StateValue: 'OK' },
          { AlarmName: 'no-data', StateValue: 'INSUFFICIENT_DATA' }
        ],
        CompositeAlarms: [
          { AlarmName: 'service-down', StateValue: 'ALARM' },
          { AlarmName: 'service-degraded', StateValue: 'OK' }
        ]
      }
    })

    const names = ['5xx-rate', 'latency-p99', 'no-data', 'service-down', 'service-degraded']
    expect(await alarms.firing(names)).toEqual(['5xx-rate', 'service-down'])
    // Without AlarmTypes, DescribeAlarms returns metric alarms only: composites would be missed.
    expect(inputs).toEqual([{ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }])
  })

  it('asks for at most 100 names per call and follows NextToken', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `alarm-${i}`)
    cw.on(DescribeAlarmsCommand).callsFake((input: DescribeInput) => {
      inputs.push(structuredClone(input))
      const asked = input.AlarmNames!
      if (asked.length === 100 && !input.NextToken) {
        return { MetricAlarms: [{ AlarmName: asked[0], StateValue: 'OK' }], NextToken: 't2' }
      }
      if (input.NextToken === 't2')
        return { MetricAlarms: [{ AlarmName: asked[99], StateValue: 'ALARM' }] }
      return { CompositeAlarms: [{ AlarmName: asked[49], StateValue: 'ALARM' }] }
    })

    expect(await alarms.firing(names)).toEqual(['alarm-99', 'alarm-149'])
    expect(inputs.map((i) => i.AlarmNames!.length)).toEqual([100, 100, 50])
    expect(inputs.map((i) => i.NextToken)).toEqual([undefined, 't2', undefined])
    expect(inputs[2]!.AlarmNames).toEqual(names.slice(100))
  })

  it('reads an alarm that does not exist (absent from the answer) as not firing', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] })
    expect(await alarms.firing(['deleted-alarm'])).toEqual([])
  })

  it('makes no call when no alarm is named', async () => {
    expect(await alarms.firing([])).toEqual([])
    expect(cw.calls()).toHaveLength(0)
  })
})
