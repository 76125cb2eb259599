// Resolve (SPEC.md, "HAProxy backends"): which managed instance each HAProxy server is, and the
// configuration errors that stop a run before any change. A server whose name is a managed
// instance ID (i-… for EC2, mi-… for a server registered through an SSM hybrid activation) is that
// instance; otherwise the managed instance whose IPAddress (DescribeInstanceInformation) is the
// server's address. Several servers of one host are that host's members.

import type { NodeRead } from './script-output.js'
import type { ServerOnNode } from './runtime-output.js'

/** What DescribeInstanceInformation reports for one managed instance. */
export interface ManagedInstance {
  instanceId: string
  pingStatus: string
  ipAddress?: string
}

export interface MappedServer {
  backend: string
  server: string
  address: string
  port?: number
  checkPort?: number
}

export interface Mapping {
  /** Instance ID -> its servers, in backend order then server order. */
  hosts: Map<string, MappedServer[]>
  /** Configuration errors, each naming what is wrong and the fix; the run stops when any. */
  errors: string[]
}

export interface MappingInput {
  nodes: readonly string[]
  backends: readonly string[]
  socket: string
  instances: readonly ManagedInstance[]
  /** Each node's read, every range of every backend merged (node-script.ts, script-output.ts). */
  reads: ReadonlyMap<string, NodeRead>
}

const looksLikeInstanceId = (name: string): boolean => /^(i|mi)-[0-9a-f]{8,17}$/.test(name)

export function mapServers(input: MappingInput): Mapping {
  const errors: string[] = []
  const byId = new Map(input.instances.map((i) => [i.instanceId, i]))
  const readable: string[] = []
  for (const node of input.nodes) {
    const problem = nodeProblem(node, byId.get(node), input.reads.get(node), input.socket)
    if (problem) errors.push(problem)
    else readable.push(node)
  }

  const byAddress = new Map<string, string[]>()
  for (const i of input.instances) {
    if (!i.ipAddress) continue
    byAddress.set(i.ipAddress, [...(byAddress.get(i.ipAddress) ?? []), i.instanceId])
  }

  const hosts = new Map<string, MappedServer[]>()
  for (const backend of input.backends) {
    // server name -> (node -> what that node reports)
    const seen = new Map<string, Map<string, ServerOnNode>>()
    for (const node of readable) {
      const read = input.reads.get(node)!.backends.get(backend)
      if (!read || read.missing !== undefined) {
        errors.push(
          `backend ${backend} is not on HAProxy node ${node}` +
            (read?.missing ? ` (HAProxy answered: ${read.missing})` : '') +
            `: fix haproxy-backends, or load the same HAProxy configuration on every node in haproxy-nodes`
        )
        continue
      }
      errors.push(...read.problems.map((p) => `HAProxy node ${node}: ${p}`))
      if (read.servers.length < read.total)
        errors.push(
          `HAProxy node ${node}: read ${read.servers.length} of the ${read.total} servers of backend ${backend}`
        )
      for (const s of read.servers) {
        const views = seen.get(s.server) ?? new Map<string, ServerOnNode>()
        views.set(node, s)
        seen.set(s.server, views)
      }
    }
    for (const [name, views] of seen) {
      const where = `server ${backend}/${name}`
      const lacking = readable.filter(
        (n) => !views.has(n) && input.reads.get(n)?.backends.get(backend)?.missing === undefined
      )
      if (lacking.length > 0) {
        errors.push(
          `${where} is on HAProxy node ${[...views.keys()].join(', ')} but not on ${lacking.join(', ')}: every node in haproxy-nodes must have the same servers (load the same configuration everywhere)`
        )
        continue
      }
      const addresses = [...new Set([...views.values()].map((s) => s.address))]
      if (addresses.length > 1) {
        errors.push(
          `${where} has different addresses on the HAProxy nodes (${addresses.join(', ')}): load the same configuration on every node`
        )
        continue
      }
      const first = [...views.values()][0]!
      const resolved = resolveHost(where, first, byId, byAddress)
      if ('error' in resolved) {
        errors.push(resolved.error)
        continue
      }
      hosts.set(resolved.instanceId, [
        ...(hosts.get(resolved.instanceId) ?? []),
        {
          backend,
          server: name,
          address: first.address,
          ...(first.port ? { port: first.port } : {}),
          ...(first.checkPort ? { checkPort: first.checkPort } : {})
        }
      ])
    }
  }
  return { hosts, errors }
}

function nodeProblem(
  node: string,
  instance: ManagedInstance | undefined,
  read: NodeRead | undefined,
  socket: string
): string | undefined {
  if (!instance)
    return `HAProxy node ${node} is not a managed instance SSM lists (DescribeInstanceInformation): check the ID in haproxy-nodes, or register the node with SSM (a hybrid activation for an on-premises server)`
  if (instance.pingStatus !== 'Online')
    return `HAProxy node ${node} is ${instance.pingStatus} in SSM, not Online: its runtime API is reached only through SSM Run Command; start the SSM agent on it, or remove it from haproxy-nodes`
  if (!read) return `HAProxy node ${node} was not read`
  if (read.error === 'no-socket')
    return `HAProxy node ${node} has no runtime API socket at ${socket}: set haproxy-socket to the path of the \`stats socket <path> level admin\` line in its HAProxy configuration`
  if (read.error === 'no-tool')
    return `HAProxy node ${node} has none of socat, nc or python3 to reach the runtime API socket: install socat on it`
  if (read.error) return `HAProxy node ${node}: the read failed (${read.error})`
  if (!read.complete)
    return `HAProxy node ${node}: the read's output was cut before its end (SSM keeps 24,000 characters)`
  return undefined
}

function resolveHost(
  where: string,
  server: ServerOnNode,
  byId: ReadonlyMap<string, ManagedInstance>,
  byAddress: ReadonlyMap<string, string[]>
): { instanceId: string } | { error: string } {
  if (byId.has(server.server)) return { instanceId: server.server }
  const matches = byAddress.get(server.address) ?? []
  if (matches.length === 1) return { instanceId: matches[0]! }
  if (matches.length > 1)
    return {
      error: `${where} (address ${server.address}) matches several managed instances by IPAddress (${matches.join(', ')}): name the server after its instance ID`
    }
  const named = looksLikeInstanceId(server.server)
    ? `its name looks like an instance ID but SSM lists no managed instance ${server.server}`
    : 'its name is not a managed instance ID'
  return {
    error: `${where} (address ${server.address}) maps to no managed instance: ${named}, and no managed instance reports the IPAddress ${server.address}; name the server after its instance ID (server i-0123456789abcdef0 ${server.address}:80 check) or register the host with SSM`
  }
}
