// Servers to hosts (SPEC.md, "HAProxy backends"), and the configuration errors found before any
// change. Nodes' reads are built as parseReadOutput returns them.
import { describe, expect, it } from '@jest/globals'
import { type ManagedInstance, mapServers } from '../../src/haproxy/mapping.js'
import type { NodeRead } from '../../src/haproxy/script-output.js'
import type { ServerOnNode } from '../../src/haproxy/runtime-output.js'

const server = (backend: string, name: string, address: string): ServerOnNode => ({
  backend,
  server: name,
  address,
  port: 80,
  admin: 'ready',
  adminBits: 0,
  operational: 'up',
  sessions: 0,
  queued: 0,
  status: 'UP',
  checkStatus: 'L7OK'
})

const nodeRead = (backends: Record<string, ServerOnNode[] | string>): NodeRead => ({
  tool: 'socat',
  complete: true,
  backends: new Map(
    Object.entries(backends).map(([name, v]) => [
      name,
      typeof v === 'string'
        ? { missing: v, servers: [], total: 0, problems: [] }
        : { servers: v, total: v.length, problems: [] }
    ])
  )
})

const online = (instanceId: string, ipAddress?: string): ManagedInstance => ({
  instanceId,
  pingStatus: 'Online',
  ...(ipAddress ? { ipAddress } : {})
})

const nodes = ['mi-0aaaaaaaaaaaaaaaa', 'mi-0bbbbbbbbbbbbbbbb']
const instances = [
  online(nodes[0]!),
  online(nodes[1]!),
  online('i-0123456789abcdef0', '10.0.0.5'),
  online('mi-0123456789abcdef0', '192.168.1.20')
]
const web = [
  server('web', 'i-0123456789abcdef0', '10.0.0.5'),
  server('web', 'app2', '192.168.1.20')
]
const base = { nodes, backends: ['web'], socket: '/run/haproxy/admin.sock', instances }

describe('mapServers', () => {
  it('maps by instance ID name, else by the IPAddress SSM reports; a host’s servers are its members', () => {
    const api = [server('api', 'api-2', '192.168.1.20')]
    const read = nodeRead({ web, api })
    const mapping = mapServers({
      ...base,
      backends: ['web', 'api'],
      reads: new Map(nodes.map((n) => [n, read]))
    })
    expect(mapping.errors).toEqual([])
    expect(
      Object.fromEntries(
        [...mapping.hosts].map(([id, s]) => [id, s.map((m) => `${m.backend}/${m.server}`)])
      )
    ).toEqual({
      'i-0123456789abcdef0': ['web/i-0123456789abcdef0'],
      'mi-0123456789abcdef0': ['web/app2', 'api/api-2']
    })
  })

  it('a server that maps to no managed instance is an error naming it and the fix', () => {
    const read = nodeRead({ web: [...web, server('web', 'old-box', '10.9.9.9')] })
    const { errors } = mapServers({ ...base, reads: new Map(nodes.map((n) => [n, read])) })
    expect(errors).toEqual([
      expect.stringMatching(
        /^server web\/old-box \(address 10\.9\.9\.9\) maps to no managed instance: its name is not a managed instance ID, and no managed instance reports the IPAddress 10\.9\.9\.9; name the server after its instance ID .* or register the host with SSM$/
      )
    ])
  })

  it('a server named like an instance SSM does not list says so', () => {
    const read = nodeRead({ web: [server('web', 'i-0fffffffffffffff0', '10.9.9.9')] })
    const { errors } = mapServers({ ...base, reads: new Map(nodes.map((n) => [n, read])) })
    expect(errors[0]).toMatch(
      /its name looks like an instance ID but SSM lists no managed instance i-0fffffffffffffff0/
    )
  })

  it('two instances reporting the server’s address is an error, not a guess', () => {
    const read = nodeRead({ web: [server('web', 'app2', '192.168.1.20')] })
    const twins = [...instances, online('mi-0ccccccccccccccc0', '192.168.1.20')]
    const { errors } = mapServers({
      ...base,
      instances: twins,
      reads: new Map(nodes.map((n) => [n, read]))
    })
    expect(errors).toEqual([
      expect.stringContaining(
        'matches several managed instances by IPAddress (mi-0123456789abcdef0, mi-0ccccccccccccccc0)'
      )
    ])
  })

  it('a backend missing on a node is an error naming the node, with HAProxy’s answer', () => {
    const reads = new Map([
      [nodes[0]!, nodeRead({ web })],
      [nodes[1]!, nodeRead({ web: "Can't find backend." })]
    ])
    const { errors } = mapServers({ ...base, reads })
    expect(errors).toEqual([
      `backend web is not on HAProxy node ${nodes[1]} (HAProxy answered: Can't find backend.): fix haproxy-backends, or load the same HAProxy configuration on every node in haproxy-nodes`
    ])
  })

  it('a server on one node only is an error: the nodes must agree', () => {
    const reads = new Map([
      [nodes[0]!, nodeRead({ web })],
      [nodes[1]!, nodeRead({ web: web.slice(0, 1) })]
    ])
    expect(mapServers({ ...base, reads }).errors).toEqual([
      expect.stringContaining(
        `server web/app2 is on HAProxy node ${nodes[0]} but not on ${nodes[1]}`
      )
    ])
  })

  it('a node that is not Online, or unknown to SSM, is an error with the fix', () => {
    const lost = [{ ...instances[0]!, pingStatus: 'ConnectionLost' }, ...instances.slice(2)]
    const { errors } = mapServers({
      ...base,
      instances: lost,
      reads: new Map(nodes.map((n) => [n, nodeRead({ web })]))
    })
    expect(errors).toEqual([
      `HAProxy node ${nodes[0]} is ConnectionLost in SSM, not Online: its runtime API is reached only through SSM Run Command; start the SSM agent on it, or remove it from haproxy-nodes`,
      expect.stringContaining(`HAProxy node ${nodes[1]} is not a managed instance SSM lists`)
    ])
  })

  it('no socket, or a read cut short, on a node is an error', () => {
    const reads = new Map<string, NodeRead>([
      [nodes[0]!, { tool: 'socat', error: 'no-socket', complete: false, backends: new Map() }],
      [nodes[1]!, { ...nodeRead({ web }), complete: false }]
    ])
    expect(mapServers({ ...base, reads }).errors).toEqual([
      expect.stringContaining(
        'has no runtime API socket at /run/haproxy/admin.sock: set haproxy-socket'
      ),
      expect.stringContaining('was cut before its end (SSM keeps 24,000 characters)')
    ])
  })
})
