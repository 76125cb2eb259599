// The fleet simulator behind a local HTTP endpoint, on real time: the bundled action (dist/index.js
// under Node 24, its own process) talks to it through AWS_ENDPOINT_URL exactly as it talks to AWS,
// so its peak memory can be read without the simulator's own in the same process.
//
// It speaks the two wire protocols the action uses: ELBv2's Query protocol (form body in, XML out)
// and SSM's JSON 1.1 protocol (X-Amz-Target). Each request moves the simulator's clock to the real
// time, then goes to the simulator through its mocked SDK clients (the same answers the in-process
// benchmark gets); the answer is serialized back. Signatures are not checked.

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2'
import * as ssm from '@aws-sdk/client-ssm'
import { FleetSim } from '../__tests__/sim/fleet-sim.js'
import { fastGroup, simpleFleet } from '../__tests__/sim/helpers.js'
import { VirtualClock } from '../__tests__/support/virtual-clock.js'

const ELB_XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/'

type CommandClass = new (input: never) => unknown

const ELB_COMMANDS: Record<string, CommandClass> = {
  DescribeTargetGroups: elb.DescribeTargetGroupsCommand,
  DescribeTargetGroupAttributes: elb.DescribeTargetGroupAttributesCommand,
  DescribeTargetHealth: elb.DescribeTargetHealthCommand,
  RegisterTargets: elb.RegisterTargetsCommand,
  DeregisterTargets: elb.DeregisterTargetsCommand
}

const SSM_COMMANDS: Record<string, CommandClass> = {
  SendCommand: ssm.SendCommandCommand,
  ListCommandInvocations: ssm.ListCommandInvocationsCommand,
  GetCommandInvocation: ssm.GetCommandInvocationCommand,
  CancelCommand: ssm.CancelCommandCommand,
  DescribeInstanceInformation: ssm.DescribeInstanceInformationCommand,
  PutParameter: ssm.PutParameterCommand,
  GetParameter: ssm.GetParameterCommand,
  DeleteParameter: ssm.DeleteParameterCommand
}

/** Query protocol input: `Targets.member.1.Id=…` → `{ Targets: [{ Id: … }] }`. */
export function parseQuery(body: string): { action: string; input: Record<string, unknown> } {
  const params = new URLSearchParams(body)
  const input: Record<string, unknown> = {}
  for (const [key, raw] of params) {
    if (key === 'Action' || key === 'Version') continue
    const parts = key.split('.')
    let node: Record<string, unknown> | unknown[] = input
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!
      const last = i === parts.length - 1
      if (part === 'member') continue
      const index = /^\d+$/.test(part) ? Number(part) - 1 : undefined
      const slot: string | number = index ?? part
      const nextIsMember = parts[i + 1] === 'member'
      const value: unknown = last ? (/^(Port|PageSize)$/.test(part) ? Number(raw) : raw) : undefined
      const container = node as Record<string | number, unknown>
      if (last) {
        container[slot] = value
      } else {
        container[slot] ??= nextIsMember ? [] : {}
        node = container[slot] as Record<string, unknown> | unknown[]
      }
    }
  }
  return { action: params.get('Action') ?? '', input }
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** An SDK output shape as Query-protocol XML: lists as `<member>`, dates as ISO 8601. */
function toXml(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('')
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => k !== '$metadata' && v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('')
  }
  return esc(String(value))
}

/** SSM's JSON: timestamps as epoch seconds. */
function toJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    if (key === '$metadata') return undefined
    const raw = this[key]
    return raw instanceof Date ? raw.getTime() / 1000 : v
  })
}

interface SdkError {
  name?: string
  message?: string
  $fault?: string
  $metadata?: { httpStatusCode?: number }
}

export interface WireSimOptions {
  hosts: number
  drainS: number
  deployMs: number
  appStartMs: number
  lbIntervalS: number
  lbThreshold: number
}

export interface WireSim {
  url: string
  sim: FleetSim
  close(): Promise<void>
}

/** Starts the simulator (one target group `web`, `hosts` hosts at v1) behind a local endpoint. */
export async function startWireSim(o: WireSimOptions): Promise<WireSim> {
  const clock = new VirtualClock(Date.now())
  const group = fastGroup('web', {
    deregistrationDelaySeconds: o.drainS,
    healthCheckIntervalSeconds: o.lbIntervalS,
    healthyThresholdCount: o.lbThreshold
  })
  const sim = new FleetSim(
    clock,
    simpleFleet(o.hosts, [group], {
      timing: {
        deployMs: o.deployMs,
        appStartMs: o.appStartMs,
        deliveryMs: 200,
        healthCommandMs: 300
      }
    })
  )
  const clients = sim.clients
  // The mocks' call history is not needed here either (see sim-rollout.ts).
  const stubs = Object.values(clients).map(
    (c) => (c as { send: unknown }).send as { resetHistory?: () => void }
  )

  const answer = async (
    target: string | undefined,
    body: string
  ): Promise<{ status: number; type: string; text: string }> => {
    clock.advanceTo(Date.now())
    for (const s of stubs) s.resetHistory?.()
    if (target?.startsWith('AmazonSSM.')) {
      const op = target.slice('AmazonSSM.'.length)
      const Command = SSM_COMMANDS[op]
      if (!Command)
        return {
          status: 400,
          type: 'application/x-amz-json-1.1',
          text: JSON.stringify({ __type: 'UnknownOperationException', message: op })
        }
      try {
        const out = await clients.ssm.send(new Command(JSON.parse(body || '{}') as never) as never)
        return { status: 200, type: 'application/x-amz-json-1.1', text: toJson(out) }
      } catch (err) {
        const e = err as SdkError
        const status = e.$metadata?.httpStatusCode ?? (e.$fault === 'server' ? 500 : 400)
        return {
          status,
          type: 'application/x-amz-json-1.1',
          text: JSON.stringify({ __type: e.name, message: e.message })
        }
      }
    }
    const { action, input } = parseQuery(body)
    const Command = ELB_COMMANDS[action]
    const fail = (status: number, code: string, message: string, type: string) => ({
      status,
      type: 'text/xml',
      text: `<ErrorResponse xmlns="${ELB_XMLNS}"><Error><Type>${type}</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>wire-sim</RequestId></ErrorResponse>`
    })
    if (!Command) return fail(400, 'InvalidAction', `wire-sim does not answer ${action}`, 'Sender')
    try {
      const out = await clients.elb.send(new Command(input as never) as never)
      return {
        status: 200,
        type: 'text/xml',
        text: `<${action}Response xmlns="${ELB_XMLNS}"><${action}Result>${toXml(out)}</${action}Result><ResponseMetadata><RequestId>wire-sim</RequestId></ResponseMetadata></${action}Response>`
      }
    } catch (err) {
      const e = err as SdkError
      const server = e.$fault === 'server'
      return fail(
        e.$metadata?.httpStatusCode ?? (server ? 500 : 400),
        e.name ?? 'InternalFailure',
        e.message ?? '',
        server ? 'Receiver' : 'Sender'
      )
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      answer(
        req.headers['x-amz-target'] as string | undefined,
        Buffer.concat(chunks).toString('utf8')
      ).then(
        (a) => {
          res.writeHead(a.status, { 'content-type': a.type, 'x-amzn-requestid': 'wire-sim' })
          res.end(a.text)
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' })
          res.end(String(err))
        }
      )
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sim,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      sim.detach()
    }
  }
}
