// The AWS side of every port the rollout talks to, built from SDK clients.

import type { AwsClients } from './clients.js'
import type { AlarmSource } from '../ports/alarms.js'
import type { CommandRunner } from '../ports/command-runner.js'
import type { LoadBalancer } from '../ports/load-balancer.js'
import { ElbLoadBalancer } from './elb.js'
import { SsmCommandRunner } from './ssm.js'
import { CloudWatchAlarms } from './cloudwatch.js'
import { AutoScalingGroups } from './autoscaling.js'
import type { GroupController } from '../ports/group-controller.js'

export interface AwsPorts {
  lb: LoadBalancer
  runner: CommandRunner
  alarms: AlarmSource
  groups?: GroupController
}

export function awsPorts(clients: AwsClients): AwsPorts {
  return {
    lb: new ElbLoadBalancer(clients.elb),
    runner: new SsmCommandRunner(clients.ssm, { client: clients.ssmSend }),
    alarms: new CloudWatchAlarms(clients.cloudwatch),
    groups: clients.autoscaling && new AutoScalingGroups(clients.autoscaling)
  }
}
