// awsPorts wires each port to its own SDK client: the load balancer to ELBv2, the command runner
// to SSM, the alarms to CloudWatch. A swapped client would fail every call at run time.

import { describe, it, expect } from '@jest/globals'
import { mockClient } from 'aws-sdk-client-mock'
import {
  DeregisterTargetsCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { CancelCommandCommand, SSMClient } from '@aws-sdk/client-ssm'
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { awsPorts } from '../../src/aws/adapters.js'

const TG = 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/a/1'

describe('awsPorts', () => {
  const clients = {
    elb: new ElasticLoadBalancingV2Client({ region: 'us-east-1' }),
    ssm: new SSMClient({ region: 'us-east-1' }),
    cloudwatch: new CloudWatchClient({ region: 'us-east-1' })
  }
  const elb = mockClient(clients.elb)
  const ssm = mockClient(clients.ssm)
  const cw = mockClient(clients.cloudwatch)
  elb.on(DeregisterTargetsCommand).resolves({})
  ssm.on(CancelCommandCommand).resolves({})
  cw.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [{ AlarmName: '5xx', StateValue: 'ALARM' }]
  })
  const ports = awsPorts(clients)

  it('takes a member out through ELBv2 DeregisterTargets', async () => {
    await ports.lb.takeOut(TG, [{ instanceId: 'i-1', port: 8080 }])
    expect(elb.commandCalls(DeregisterTargetsCommand).map((c) => c.args[0].input)).toEqual([
      { TargetGroupArn: TG, Targets: [{ Id: 'i-1', Port: 8080 }] }
    ])
    expect(ssm.calls()).toHaveLength(0)
  })

  it('cancels a command through SSM CancelCommand', async () => {
    await ports.runner.cancel('cmd-1', ['i-1'])
    expect(ssm.commandCalls(CancelCommandCommand).map((c) => c.args[0].input)).toEqual([
      { CommandId: 'cmd-1', InstanceIds: ['i-1'] }
    ])
  })

  it('reads alarms through CloudWatch DescribeAlarms', async () => {
    expect(await ports.alarms.firing(['5xx'])).toEqual(['5xx'])
    expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(1)
  })
})
