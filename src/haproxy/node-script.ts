// The POSIX sh scripts that run on each HAProxy node through SSM's AWS-RunShellScript and talk to
// HAProxy's runtime API socket. One script per node per step, for a whole batch: the runner never
// reaches a node over the network, and SSM is slow per command, so every server of the step goes
// into one script. Input values travel as base64 literals decoded on the node, as the health
// script does (src/health/script.ts): the shell never parses any of them. Names are also checked
// against HAProxy's own name charset first (names.ts), so none can add a runtime API command.

import { decodedAssignment } from '../shared/shell-literal.js'
import {
  type ChangeStep,
  type ServerRef,
  nameProblem,
  socketProblem,
  stepCommands
} from './names.js'

export const HAPROXY_MARKER = 'rolling-deploy-haproxy'

/** The columns kept on the node, by header name (HAProxy management guide, "show servers state"
 *  format 1 and "show stat" CSV fields): enough for the state, nothing the rollout does not read. */
export const STATE_COLUMNS = [
  'srv_name',
  'srv_addr',
  'srv_op_state',
  'srv_admin_state',
  'srv_port',
  'srv_check_port'
] as const
export const STAT_COLUMNS = ['svname', 'qcur', 'scur', 'status', 'check_status'] as const

/**
 * SSM keeps the FIRST 24,000 characters of a command's output (GetCommandInvocation,
 * StandardOutputContent; AWS-FACTS.md), so a cut output loses its end. A read prints, per
 * server, one `show servers state` line (name, address, two states, two ports: about 20 bytes
 * besides the name and address) and one `show stat` line (name, qcur, scur, status, check status:
 * about 30 bytes besides the name): 2 x name + address + 50. With names up to 64 characters and an
 * IPv6 address (39) that is at most 217 bytes, so 220 is the per-server budget, and each backend
 * block costs at most 400 bytes of headers and markers. A read covers a range of each backend's
 * servers sized by serversPerRead; its end lines give each backend's total, so the caller knows
 * whether another range is needed, and the final `done` line proves the output was not cut.
 */
export const SSM_OUTPUT_LIMIT = 24_000
export const PER_SERVER_BYTES = 220
export const PER_BACKEND_BYTES = 400

export function serversPerRead(backendCount: number): number {
  const room = SSM_OUTPUT_LIMIT - 200 - PER_BACKEND_BYTES * backendCount
  return Math.max(1, Math.floor(room / (PER_SERVER_BYTES * backendCount)))
}

/** How the script reaches the socket. `auto` takes the first a stock node has: socat, then
 *  OpenBSD netcat's `nc -U`, then python3 (shipped inline below). */
export type SocketTool = 'auto' | 'socat' | 'nc' | 'python3'

export interface NodeScriptOptions {
  socket: string
  tool?: SocketTool
}

const literal = decodedAssignment

// Python's fallback: one connection, one command line, everything HAProxy answers until it
// closes (the runtime API closes a non-interactive connection after its answer).
const PYTHON_SEND = `python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\\n")
while True:
    b = s.recv(65536)
    if not b:
        break
    sys.stdout.buffer.write(b)' "$rd_sock" "$1"`

function preamble(options: NodeScriptOptions): string[] {
  const problem = socketProblem(options.socket)
  if (problem) throw new Error(problem)
  return [
    `# ${HAPROXY_MARKER}: values are base64 so the shell never parses them`,
    literal('rd_sock', options.socket),
    literal('rd_tool', options.tool ?? 'auto'),
    'if [ "$rd_tool" = auto ]; then',
    '  if command -v socat >/dev/null 2>&1; then rd_tool=socat',
    '  elif command -v nc >/dev/null 2>&1 && nc -h 2>&1 | grep -q -e "-U"; then rd_tool=nc',
    '  elif command -v python3 >/dev/null 2>&1; then rd_tool=python3',
    '  else rd_tool=none; fi',
    'fi',
    `echo "${HAPROXY_MARKER} tool=$rd_tool"`,
    `if [ "$rd_tool" = none ]; then echo "${HAPROXY_MARKER} error=no-tool"; exit 3; fi`,
    `if [ ! -S "$rd_sock" ]; then echo "${HAPROXY_MARKER} error=no-socket"; exit 4; fi`,
    'rd_send() {',
    '  case "$rd_tool" in',
    '    socat) printf \'%s\\n\' "$1" | socat -t 30 -T 30 stdio "UNIX-CONNECT:$rd_sock" ;;',
    '    nc) printf \'%s\\n\' "$1" | nc -U "$rd_sock" ;;',
    `    *) ${PYTHON_SEND} ;;`,
    '  esac',
    '}'
  ]
}

// `show servers state <backend>`: the version line, then the header with the kept columns, then
// the kept columns of the servers in the range; an answer that is not format 1 (e.g. "Can't find
// backend.") is passed on as `! <line>`. A column this HAProxy does not print reads `-`.
const STATE_AWK = `awk -v first="$rd_first" -v count="$rd_count" -v want="${STATE_COLUMNS.join(' ')}" -v m="${HAPROXY_MARKER}" '
NR == 1 && $0 !~ /^[0-9]+$/ { err = 1 }
err { if (length($0)) print "! " $0; next }
NR == 1 { print; next }
/^#/ { n = split(want, w, " "); for (i = 2; i <= NF; i++) col[$i] = i - 1
  line = "#"; for (k = 1; k <= n; k++) line = line " " w[k]; print line; next }
NF == 0 { next }
{ total++; if (total > first && total <= first + count) { out = ""
  for (k = 1; k <= n; k++) { c = col[w[k]]; out = out (k > 1 ? " " : "") (c > 0 ? $c : "-") }
  print out } }
END { print m " end servers-state total=" total + 0 (err ? " error" : "") }'`

// `show stat <backend> 4 -1` (servers only): the header with the kept columns, then those columns
// of the servers in the range. The kept fields (names, counters, status words) hold no comma.
const STAT_AWK = `awk -F, -v first="$rd_first" -v count="$rd_count" -v want="${STAT_COLUMNS.join(',')}" -v m="${HAPROXY_MARKER}" '
NR == 1 && $0 !~ /^# / { err = 1 }
err { if (length($0)) print "! " $0; next }
NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i
  n = split(want, w, ","); print "# " want; next }
NF == 0 { next }
$(col["svname"]) == "FRONTEND" || $(col["svname"]) == "BACKEND" { next }
{ total++; if (total > first && total <= first + count) { out = ""
  for (k = 1; k <= n; k++) { c = col[w[k]]; out = out (k > 1 ? "," : "") (c > 0 ? $c : "-") }
  print out } }
END { print m " end stat total=" total + 0 (err ? " error" : "") }'`

export interface ReadRange {
  /** Index of the first server of each backend to print (0-based, config order). */
  first: number
  /** How many servers of each backend to print (serversPerRead). */
  count: number
}

/** The read step: the state of every listed backend, filtered on the node. */
export function readScript(
  backends: readonly string[],
  options: NodeScriptOptions,
  range: ReadRange = { first: 0, count: serversPerRead(backends.length) }
): string {
  for (const backend of backends) {
    const problem = nameProblem('backend', backend)
    if (problem) throw new Error(problem)
  }
  const lines = [
    ...preamble(options),
    `rd_first=${Math.max(0, Math.floor(range.first))}`,
    `rd_count=${Math.max(1, Math.floor(range.count))}`,
    'rd_read() {',
    `  echo "${HAPROXY_MARKER} begin servers-state $1"`,
    `  rd_send "show servers state $1" | ${STATE_AWK}`,
    `  echo "${HAPROXY_MARKER} begin stat $1"`,
    `  rd_send "show stat $1 4 -1" | ${STAT_AWK}`,
    '}'
  ]
  for (const backend of backends)
    lines.push(literal('rd_backend', backend), 'rd_read "$rd_backend"')
  lines.push(`echo "${HAPROXY_MARKER} done"`, 'exit 0')
  return lines.join('\n')
}

/** A change step for a batch: every command of every server, one connection each, in order.
 *  Each answer is printed between `cmd <n> <command>` and `end <n> rc=<exit code>` lines; the
 *  runtime API answers these commands with nothing when they succeed. Exits 1 if any answered. */
export function changeScript(
  step: ChangeStep,
  servers: readonly ServerRef[],
  options: NodeScriptOptions
): string {
  const commands = servers.flatMap((ref) => stepCommands(step, ref))
  return [
    ...preamble(options),
    literal('rd_cmds', commands.join('\n')),
    'rd_n=0',
    'rd_failed=0',
    'while IFS= read -r rd_cmd; do',
    '  [ -n "$rd_cmd" ] || continue',
    '  rd_n=$((rd_n + 1))',
    `  printf '%s cmd %s %s\\n' "${HAPROXY_MARKER}" "$rd_n" "$rd_cmd"`,
    '  rd_out=$(rd_send "$rd_cmd" 2>&1)',
    '  rd_rc=$?',
    '  if [ -n "$rd_out" ]; then printf \'%s\\n\' "$rd_out"; rd_failed=1; fi',
    '  [ "$rd_rc" = 0 ] || rd_failed=1',
    `  printf '%s end %s rc=%s\\n' "${HAPROXY_MARKER}" "$rd_n" "$rd_rc"`,
    'done <<RD_EOF',
    '$rd_cmds',
    'RD_EOF',
    `echo "${HAPROXY_MARKER} done"`,
    'exit $rd_failed'
  ].join('\n')
}
