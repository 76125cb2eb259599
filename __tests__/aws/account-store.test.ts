// The account's SSM adapter: the Parameter Store calls it makes (PutParameter per shard, Standard
// tier, names under /rolling-deploy/account/<key>/; GetParametersByPath to read; DeleteParameter
// for shards no longer used) and what a second run reads back after the first died.

import { mockClient } from 'aws-sdk-client-mock'
import {
  DeleteParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
  type Parameter
} from '@aws-sdk/client-ssm'
import { SsmAccountStore } from '../../src/aws/account-store.js'
import type { Account } from '../../src/ports/account-store.js'

const client = new SSMClient({ region: 'us-east-1' })
const ssm = mockClient(client)

/**
 * Parameter Store in memory behind the mock. Follows the API reference: PutParameter with
 * Overwrite=true creates or replaces (API_PutParameter.html); GetParametersByPath answers "on a
 * best-effort basis" between zero and MaxResults parameters per call, with a NextToken for the
 * rest, and with Recursive=false only one level below Path (API_GetParametersByPath.html); DeleteParameter of an absent name fails ParameterNotFound.
 */
function fakeParameters(): Map<string, string> {
  const params = new Map<string, string>()
  ssm.on(PutParameterCommand).callsFake((i: { Name: string; Value: string }) => {
    params.set(i.Name, i.Value)
    return { Version: 1 }
  })
  ssm
    .on(GetParametersByPathCommand)
    .callsFake((i: { Path: string; NextToken?: string; MaxResults?: number }) => {
      const below = [...params.entries()]
        .filter(([n]) => n.startsWith(`${i.Path}/`) && !n.slice(i.Path.length + 1).includes('/'))
        .sort()
      const from = Number(i.NextToken ?? 0)
      const size = i.MaxResults ?? 10
      const page: Parameter[] = below
        .slice(from, from + size)
        .map(([Name, Value]) => ({ Name, Value }))
      return {
        Parameters: page,
        NextToken: from + size < below.length ? String(from + size) : undefined
      }
    })
  ssm.on(DeleteParameterCommand).callsFake((i: { Name: string }) => {
    params.delete(i.Name)
    return {}
  })
  return params
}

const hosts = (n: number, step = 'drain') =>
  Array.from({ length: n }, (_, i) => ({
    instanceId: `i-0${(i * 2654435761).toString(16).padStart(16, '0')}`,
    memberships: [
      { pool: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/abc', port: 80 }
    ],
    step,
    deployStarted: false
  }))
const account = (n: number, step?: string): Account => ({
  runUrl: 'https://github.com/o/r/actions/runs/1',
  updatedAt: '2026-11-28T06:00:00.000Z',
  hosts: hosts(n, step)
})

beforeEach(() => ssm.reset())

describe('SsmAccountStore', () => {
  it('writes Standard parameters under /rolling-deploy/account/<key>/ and a new run reads them back', async () => {
    const params = fakeParameters()
    await new SsmAccountStore(client).write('web', account(3))
    const puts = ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)
    expect(puts).toHaveLength(1)
    expect(puts[0]).toMatchObject({
      Name: '/rolling-deploy/account/web/b0',
      Tier: 'Standard',
      Overwrite: true,
      Type: 'String'
    })
    expect([...params.keys()]).toEqual(['/rolling-deploy/account/web/b0'])
    // The run dies; the next run, another process, reads what it left.
    expect(await new SsmAccountStore(client).read('web')).toEqual(account(3))
    expect(ssm.commandCalls(GetParametersByPathCommand)[1]!.args[0].input).toMatchObject({
      Path: '/rolling-deploy/account/web',
      Recursive: false
    })
  })

  it('alternates slots so the previous account survives, and drops shards no longer used', async () => {
    const params = fakeParameters()
    const store = new SsmAccountStore(client)
    await store.write('web', account(1000)) // several shards in slot b
    const big = [...params.keys()].filter((n) => n.includes('/web/b'))
    expect(big.length).toBeGreaterThan(1)
    await store.write('web', account(1, 'deploy')) // generation 2 in slot a; b still whole
    expect(await new SsmAccountStore(client).read('web')).toEqual(account(1, 'deploy'))
    ssm.resetHistory()
    await store.write('web', account(2, 'restore')) // generation 3 back in slot b: one shard
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(1)
    expect(ssm.commandCalls(DeleteParameterCommand).map((c) => c.args[0].input.Name)).toEqual(
      big.slice(1)
    )
    expect(await new SsmAccountStore(client).read('web')).toEqual(account(2, 'restore'))
  })

  it('pages through GetParametersByPath (10 per page) to find every shard', async () => {
    const params = fakeParameters()
    const store = new SsmAccountStore(client)
    await store.write('web', account(5000))
    expect(params.size).toBeGreaterThan(10)
    ssm.resetHistory()
    expect(await new SsmAccountStore(client).read('web')).toEqual(account(5000))
    expect(ssm.commandCalls(GetParametersByPathCommand)).toHaveLength(Math.ceil(params.size / 10))
  })

  it('clear deletes every shard: nothing is left for the next run', async () => {
    const params = fakeParameters()
    const store = new SsmAccountStore(client)
    await store.write('web', account(5))
    await store.write('web', account(4))
    await store.clear('web')
    expect(params.size).toBe(0)
    expect(await store.read('web')).toBeUndefined()
  })
})
