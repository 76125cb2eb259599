// The public pages this model of AWS follows. Every behaviour in target-health.ts, data-plane.ts
// and invocations.ts names one of these keys in its comment; README.md lists them with what each
// one says. They are plain data so a test can check that each cited key exists.

export const SOURCES = {
  albHealthChecks: {
    title: 'Health checks for Application Load Balancer target groups (ELB user guide)',
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html'
  },
  targetHealthApi: {
    title: 'TargetHealth (Elastic Load Balancing API reference)',
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html'
  },
  albDeregistrationDelay: {
    title: 'Edit target group attributes for your Application Load Balancer: Deregistration delay',
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay'
  },
  deregisterTargetsApi: {
    title: 'DeregisterTargets (Elastic Load Balancing API reference)',
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeregisterTargets.html'
  },
  targetGroupAttributeApi: {
    title: 'TargetGroupAttribute (Elastic Load Balancing API reference)',
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html'
  },
  nlbHealthChecks: {
    title: 'Health checks for Network Load Balancer target groups (ELB user guide)',
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html'
  },
  nlbRegisterTargets: {
    title: 'Register targets for your Network Load Balancer (ELB user guide)',
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html'
  },
  nlbTroubleshooting: {
    title: 'Troubleshoot your Network Load Balancer: A registered target is not in service',
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-troubleshooting.html'
  },
  nlbTargetGroupAttributes: {
    title:
      'Edit target group attributes for your Network Load Balancer (deregistration delay, connection termination)',
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html'
  },
  nlbRegistrationDocPr: {
    title:
      'awsdocs/elb-network-load-balancers-user-guide PR #11 "Add note about target registration time" (about 120 s before the first check)',
    url: 'https://github.com/awsdocs/elb-network-load-balancers-user-guide/pull/11'
  },
  lbcIssue2366: {
    title:
      'kubernetes-sigs/aws-load-balancer-controller #2366 "pod termination might cause dropped connections" (NLB IP mode: new connections for about 2 minutes after deregistration)',
    url: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/2366'
  },
  lbcIssue1064: {
    title:
      'kubernetes-sigs/aws-load-balancer-controller #1064 "ALB sending requests to pods after ingress controller deregisters them" (a 25 s preStop sleep was needed)',
    url: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1064'
  },
  lbcIssue1719: {
    title:
      'kubernetes-sigs/aws-load-balancer-controller #1719 "Getting 502/504 with Pod Readiness Gates during rolling updates" ("ELB API propagation time: about 10s")',
    url: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1719'
  },
  lbcIssue3270: {
    title:
      'kubernetes-sigs/aws-load-balancer-controller #3270 "Deregistration Delay does not work as expectation" (5 s delay, about 2 minutes deregistering, requests still sent)',
    url: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/3270'
  },
  lbcIssue1834: {
    title:
      'kubernetes-sigs/aws-load-balancer-controller #1834 "NLB IP Target registration is extremely slow" (about 3 minutes)',
    url: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1834'
  },
  containersRoadmap470: {
    title:
      'aws/containers-roadmap #470 "NLB forwards to unused targets" (about 2 minutes of new connections after DeregisterTargets, even with delay 0)',
    url: 'https://github.com/aws/containers-roadmap/issues/470'
  },
  ssmCommandStatuses: {
    title: 'Understanding command statuses (AWS Systems Manager user guide)',
    url: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/monitor-commands.html'
  },
  ssmStatusDetailsApi: {
    title:
      'GetCommandInvocation StatusDetails / ResponseCode (SSM API reference, as rendered in the AWS SDK docs)',
    url: 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html'
  },
  ssmCommandExpiresAfter: {
    title:
      'Command.ExpiresAfter (SSM API reference): on expiry InProgress, Pending and Delayed invocations become DeliveryTimedOut',
    url: 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Command.html'
  }
} as const

export type SourceKey = keyof typeof SOURCES
