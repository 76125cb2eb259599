// Reads back what the node scripts (node-script.ts) printed on one node.

import { HAPROXY_MARKER } from './node-script.js'
import {
  type ServerOnNode,
  parseServersState,
  parseStat,
  serversOfBackend
} from './runtime-output.js'

export interface BackendRead {
  /** The runtime API's own words when the backend is not there (e.g. "Can't find backend."). */
  missing?: string
  servers: ServerOnNode[]
  /** How many servers the backend has on this node (the read may cover a range of them). */
  total: number
  problems: string[]
}

export interface NodeRead {
  /** The tool the script used to reach the socket (socat, nc, python3), or none. */
  tool: string
  /** Why the script could not read at all (no tool, no socket), when it could not. */
  error?: string
  /** False when the output was cut (SSM keeps 24,000 characters) before the final `done`. */
  complete: boolean
  backends: Map<string, BackendRead>
}

const MARK = `${HAPROXY_MARKER} `

export function parseReadOutput(output: string): NodeRead {
  const read: NodeRead = { tool: 'none', complete: false, backends: new Map() }
  const blocks = new Map<string, { state: string[]; stat: string[] }>()
  let current: string[] | undefined
  for (const line of output.split('\n')) {
    if (!line.startsWith(MARK)) {
      current?.push(line)
      continue
    }
    const words = line.slice(MARK.length).split(' ')
    if (words[0]?.startsWith('tool=')) read.tool = words[0].slice(5)
    else if (words[0]?.startsWith('error=')) read.error = words[0].slice(6)
    else if (words[0] === 'done') read.complete = true
    else if (words[0] === 'begin' && words[2] !== undefined) {
      const block = blocks.get(words[2]) ?? { state: [], stat: [] }
      blocks.set(words[2], block)
      current = words[1] === 'stat' ? block.stat : block.state
    } else if (words[0] === 'end') {
      current?.push(line)
      current = undefined
    }
  }
  for (const [backend, block] of blocks) read.backends.set(backend, backendRead(backend, block))
  if (read.error) read.complete = false
  return read
}

function backendRead(backend: string, block: { state: string[]; stat: string[] }): BackendRead {
  const total = (lines: string[]): number | undefined => {
    const end = lines.find((l) => l.startsWith(`${MARK}end `))
    const m = end ? /total=(\d+)/.exec(end) : null
    return m ? Number(m[1]) : undefined
  }
  const body = (lines: string[]): string =>
    lines
      .filter((l) => !l.startsWith(MARK))
      .map((l) => (l.startsWith('! ') ? l.slice(2) : l))
      .join('\n')
  const state = parseServersState(body(block.state))
  const stat = parseStat(body(block.stat))
  if (state.error !== undefined)
    return { missing: state.error, servers: [], total: 0, problems: [] }
  const problems: string[] = []
  if (stat.error !== undefined) problems.push(`${backend}: show stat answered ${stat.error}`)
  const stateTotal = total(block.state)
  if (stateTotal === undefined || total(block.stat) === undefined)
    problems.push(`${backend}: the read ended early`)
  const joined = serversOfBackend(backend, state, stat)
  return {
    servers: joined.servers,
    total: stateTotal ?? joined.servers.length,
    problems: [...problems, ...joined.problems]
  }
}

export interface CommandResult {
  command: string
  /** HAProxy answered nothing and the tool exited 0: the runtime API accepted the command. */
  ok: boolean
  /** What HAProxy (or the tool) answered instead, e.g. "No such server.". */
  answer: string
}

export interface NodeChange {
  tool: string
  error?: string
  complete: boolean
  results: CommandResult[]
}

export function parseChangeOutput(output: string): NodeChange {
  const change: NodeChange = { tool: 'none', complete: false, results: [] }
  let current: { command: string; answer: string[] } | undefined
  for (const line of output.split('\n')) {
    if (!line.startsWith(MARK)) {
      current?.answer.push(line)
      continue
    }
    const rest = line.slice(MARK.length)
    const cmd = /^cmd \d+ (.*)$/.exec(rest)
    const end = /^end \d+ rc=(\d+)$/.exec(rest)
    if (rest.startsWith('tool=')) change.tool = rest.slice(5)
    else if (rest.startsWith('error=')) change.error = rest.slice(6)
    else if (rest === 'done') change.complete = true
    else if (cmd) current = { command: cmd[1]!, answer: [] }
    else if (end && current) {
      const answer = current.answer.join('\n').trim()
      change.results.push({ command: current.command, ok: end[1] === '0' && answer === '', answer })
      current = undefined
    }
  }
  if (change.error) change.complete = false
  return change
}
