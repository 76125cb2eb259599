// The SSM adapter of the lock's store: which Parameter Store calls it makes and how SSM's
// answers (ParameterAlreadyExists, ParameterNotFound, Version) become the port's answers.

import { mockClient } from 'aws-sdk-client-mock'
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient
} from '@aws-sdk/client-ssm'
import { SsmLockStore, SsmParameterStore } from '../../src/aws/lock-store.js'
import { acquire, encodeRecord } from '../../src/rollout/lock-protocol.js'

const client = new SSMClient({ region: 'us-east-1' })
const ssm = mockClient(client)
const store = new SsmParameterStore(client)
const meta = { $metadata: {} }
const exists = () =>
  new ParameterAlreadyExists({ message: 'The parameter already exists.', ...meta })
const notFound = () => new ParameterNotFound({ message: 'not found', ...meta })

beforeEach(() => ssm.reset())

describe('SsmParameterStore', () => {
  it('creates with Overwrite=false on the Standard tier and says when the name exists', async () => {
    ssm.on(PutParameterCommand).resolvesOnce({ Version: 1 }).rejectsOnce(exists())
    expect(await store.create('/rolling-deploy/lock/web', 'v')).toBe('created')
    expect(await store.create('/rolling-deploy/lock/web', 'v')).toBe('exists')
    const input = ssm.commandCalls(PutParameterCommand)[0]!.args[0].input
    expect(input).toMatchObject({
      Name: '/rolling-deploy/lock/web',
      Value: 'v',
      Type: 'String',
      Tier: 'Standard',
      Overwrite: false
    })
  })

  it('reads value and Version; an absent parameter is undefined', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Name: 'n', Value: 'x', Version: 7 } })
      .rejectsOnce(notFound())
    expect(await store.read('n')).toEqual({ value: 'x', version: 7 })
    expect(await store.read('n')).toBeUndefined()
  })

  it('overwrites with Overwrite=true and answers the new Version', async () => {
    ssm.on(PutParameterCommand).resolves({ Version: 9 })
    expect(await store.overwrite('n', 'y')).toBe(9)
    expect(ssm.commandCalls(PutParameterCommand)[0]!.args[0].input.Overwrite).toBe(true)
  })

  it('deletes; an absent parameter is not an error, other errors are', async () => {
    ssm.on(DeleteParameterCommand).rejectsOnce(notFound()).rejectsOnce(new Error('AccessDenied'))
    await expect(store.delete('n')).resolves.toBeUndefined()
    await expect(store.delete('n')).rejects.toThrow('AccessDenied')
  })

  it('lets the protocol recognise its own lock after a retried PutParameter answered ParameterAlreadyExists', async () => {
    const mine = {
      runUrl: 'https://github.com/o/r/actions/runs/1',
      startedAt: '2026-11-28T06:00:00.000Z',
      expiresAt: '2026-11-28T07:00:00.000Z',
      token: 'tok-1'
    }
    // The first attempt created it; its answer was lost; the SDK's retry met the parameter.
    ssm.on(PutParameterCommand).rejects(exists())
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: encodeRecord(mine), Version: 1 } })
    const r = await acquire(store, '/rolling-deploy/lock/web', mine, {
      now: () => Date.parse('2026-11-28T06:01:00Z')
    })
    expect(r).toEqual({ outcome: 'acquired', how: 'own-retry' })
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(1)
  })
})

describe('SsmLockStore (the old port, kept for main and post)', () => {
  it('keeps its boolean create and string read', async () => {
    const legacy = new SsmLockStore(client)
    ssm.on(PutParameterCommand).resolvesOnce({ Version: 1 }).rejectsOnce(exists())
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'held', Version: 2 } })
    expect(await legacy.create('n', 'v')).toBe(true)
    expect(await legacy.create('n', 'v')).toBe(false)
    expect(await legacy.read('n')).toBe('held')
  })
})
