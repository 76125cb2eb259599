// One server, seen by every HAProxy node, as one neutral member state of the load-balancer port
// (in-service / entering / draining / out / unhealthy / unavailable) with a reason a person can
// read. The rules are SPEC.md's "HAProxy backends": in service only while ready and UP on every
// node; drained ("out") when drain or maint with no session and no queued request on every node.

import type { ServerOnNode } from './runtime-output.js'

/** The port's member states (src/ports/, being written in parallel; the adapter maps 1:1). */
export type MemberState =
  'in-service' | 'entering' | 'draining' | 'out' | 'unhealthy' | 'unavailable'

export interface MemberView {
  state: MemberState
  reason: string
}

/** What one node reports for the server; `server` undefined when the node does not have it. */
export interface NodeView {
  node: string
  server?: ServerOnNode
}

// check_status words (doc/management.txt, show stat field 36): these passed; UNK, INI and ''
// (no check yet, or none) say nothing; every other word is a failed check.
const PASSED = new Set(['L4OK', 'L6OK', 'L7OK', 'L7OKC', 'PROCOK'])
const NEUTRAL = new Set(['', 'UNK', 'INI'])

const list = (items: string[]): string => items.join(', ')

export function memberState(name: string, views: readonly NodeView[]): MemberView {
  if (views.length === 0) return { state: 'unavailable', reason: `${name}: no HAProxy node read` }
  const absent = views.filter((v) => !v.server).map((v) => v.node)
  if (absent.length > 0)
    return { state: 'unavailable', reason: `${name} is not on node ${list(absent)}` }
  const seen = views as readonly Required<NodeView>[]

  const outOfRotation = seen.filter((v) => v.server.admin !== 'ready')
  if (outOfRotation.length > 0) {
    const ready = seen.filter((v) => v.server.admin === 'ready').map((v) => v.node)
    const busy = seen
      .filter((v) => v.server.sessions + v.server.queued > 0)
      .map((v) => `${v.server.sessions} sessions, ${v.server.queued} queued on ${v.node}`)
    if (ready.length === 0 && busy.length === 0) {
      const admins = [...new Set(seen.map((v) => v.server.admin))].join('/')
      return { state: 'out', reason: `${name} in ${admins} with no session on every node` }
    }
    const parts = [
      ...(ready.length > 0 ? [`still ready on ${list(ready)}`] : []),
      ...(busy.length > 0 ? [list(busy)] : [])
    ]
    return { state: 'draining', reason: `${name}: ${parts.join('; ')}` }
  }

  // Ready everywhere: the operational state and the checks decide.
  const notUp = seen.filter((v) => v.server.operational !== 'up')
  if (notUp.length === 0)
    return { state: 'in-service', reason: `${name} ready and UP on every node` }
  const failing = notUp.filter(
    (v) =>
      v.server.operational === 'stopping' ||
      (v.server.operational === 'down' &&
        !PASSED.has(v.server.checkStatus) &&
        !NEUTRAL.has(v.server.checkStatus))
  )
  if (failing.length > 0) {
    const why = failing.map((v) =>
      v.server.operational === 'stopping'
        ? `soft-stopping on ${v.node} (check ${v.server.checkStatus || 'none'})`
        : `DOWN on ${v.node} (last check ${v.server.checkStatus})`
    )
    return { state: 'unhealthy', reason: `${name}: ${list(why)}` }
  }
  const noCheck = notUp.filter((v) => v.server.checkStatus === '' && v.server.status === 'no check')
  if (noCheck.length > 0)
    return {
      state: 'unhealthy',
      reason: `${name} has no health check on ${list(noCheck.map((v) => v.node))}: it can never come UP from checks (add \`check\` to the server line)`
    }
  const waiting = notUp.map((v) =>
    v.server.operational === 'starting'
      ? `starting (slowstart) on ${v.node}`
      : `waiting for fresh checks on ${v.node}`
  )
  return { state: 'entering', reason: `${name}: ${list(waiting)}` }
}
