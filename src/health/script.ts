// The health check that runs on each host through SSM. Input values (path, port) travel as
// base64 literals decoded on the host, so no character of them is ever parsed by a shell.

import { decodedAssignment } from '../shared/shell-literal.js'
export const HEALTH_MARKER = 'rolling-deploy-health'

/** The parts of a health check that vary per run; the sim and the emulator read them back. */
export interface HealthTarget {
  port: number
  path: string
  /**
   * How the load balancer checks the pool: HTTP (default), HTTPS (certificate not verified, as
   * ELB does not verify it) or TCP (the port accepts a connection; nothing is read).
   */
  protocol?: 'http' | 'https' | 'tcp'
  /** The load balancer's success codes (ELB Matcher HttpCode: "200", "200,202", "200-399"); 2xx when absent. */
  codes?: string
}

/** Success codes in ELB's syntax: comma-separated codes and low-high ranges; nothing else. */
const CODES = /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/

/** The matcher as the script takes it (spaces dropped); undefined when absent or malformed. */
export function normaliseCodes(codes: string | undefined): string | undefined {
  const c = codes?.replace(/\s+/g, '')
  return c && CODES.test(c) ? c : undefined
}

/** Whether an HTTP status passes the matcher (2xx without one), as the load balancer judges it. */
export function matchesCodes(status: number, codes: string | undefined): boolean {
  const list = normaliseCodes(codes)
  if (!list) return isHealthyStatus(status)
  return list.split(',').some((part) => {
    const [lo, hi] = part.split('-').map(Number)
    return hi === undefined ? status === lo : status >= lo! && status <= hi
  })
}

/**
 * The path as it goes on the wire. curl, wget and python all refuse a URL with a space or a
 * control character, and python one with non-ASCII: those are percent-encoded (UTF-8), as curl
 * does for non-ASCII. A path without its leading / gets one, so `@other-host/x` can never turn
 * 127.0.0.1 into userinfo. Everything else, % included, is sent as given.
 */
export function wirePath(path: string): string {
  let out = ''
  for (const ch of path) {
    const code = ch.codePointAt(0)!
    out += code <= 0x20 || code >= 0x7f ? encodeURIComponent(ch) : ch
  }
  return out.startsWith('/') ? out : `/${out}`
}

/** How a reading waits on the host for the app (see healthScript). */
export interface HealthWait {
  /** Keep reading (every 0.5 s) for up to this many seconds until the answer passes; 0: read once. */
  seconds: number
  /** Text the body must contain for the answer to pass (the expected version), besides 2xx. */
  expect?: string
}

/** A POSIX sh script that reads http://127.0.0.1:<port><path> on the host and prints
 *  `rolling-deploy-health status=<code>` then the first 2,000 bytes of the body.
 *  With a wait, it reads again every 0.5 s until the answer is 2xx (and its body contains
 *  `expect`) or the wait is over, and prints the last answer: one SSM command spans the app's
 *  start and ends the moment it is up. The rollout still judges the answer itself.
 *  curl runs with --globoff (else `{a,b}` and `[1-2]` in a path are expanded) and --path-as-is
 *  (else `/../` is squashed): the path reaches the server as given. */
export function healthScript(target: HealthTarget, wait: HealthWait = { seconds: 0 }): string {
  const seconds = Math.max(0, Math.floor(wait.seconds))
  const protocol = target.protocol ?? 'http'
  const codes = normaliseCodes(target.codes) ?? ''
  const lines = [
    `# ${HEALTH_MARKER}: values are base64 so the shell never parses them`,
    decodedAssignment('rd_port', String(target.port)),
    decodedAssignment('rd_path', wirePath(target.path)),
    decodedAssignment('rd_want', wait.expect ?? ''),
    decodedAssignment('rd_codes', codes),
    `rd_wait=${seconds}`,
    `rd_url="${protocol === 'https' ? 'https' : 'http'}://127.0.0.1:\${rd_port}\${rd_path}"`,
    'rd_body=$(mktemp)',
    // The load balancer neither follows redirects nor verifies the target's certificate: nor do
    // these (curl without -L, -k; wget --max-redirect=0 --no-check-certificate; python likewise).
    'rd_read() {',
    ': > "$rd_body"',
    'if command -v curl >/dev/null 2>&1; then',
    '  rd_code=$(curl -s -k -g --path-as-is -o "$rd_body" -w "%{http_code}" --max-time 5 "$rd_url")',
    'elif command -v wget >/dev/null 2>&1; then',
    `  rd_code=$(wget -S -q -T 5 --max-redirect=0 --no-check-certificate -O "$rd_body" "$rd_url" 2>&1 | awk '/^ *HTTP\\//{c=$2} END{print c}')`,
    'else',
    `  rd_code=$(python3 -c 'import sys,ssl,urllib.request,urllib.error
class N(urllib.request.HTTPRedirectHandler):
  def redirect_request(self,*a): return None
o=urllib.request.build_opener(N,urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))
try:
  r=o.open(sys.argv[1],timeout=5); c=r.status; b=r.read()
except urllib.error.HTTPError as e:
  c=e.code; b=e.read()
except Exception:
  c=0; b=b""
open(sys.argv[2],"wb").write(b); print(c)' "$rd_url" "$rd_body")`,
    'fi',
    '}',
    // TCP health check: the port accepts a connection (python3, else nc, else bash's /dev/tcp).
    'rd_tcp() {',
    'rd_code=000',
    'if command -v python3 >/dev/null 2>&1; then',
    `  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),5).close()' "$rd_port" 2>/dev/null && rd_code=open`,
    'elif command -v nc >/dev/null 2>&1; then',
    '  nc -z -w 5 127.0.0.1 "$rd_port" 2>/dev/null && rd_code=open',
    'elif command -v bash >/dev/null 2>&1; then',
    `  bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' rd "$rd_port" 2>/dev/null && rd_code=open`,
    'fi',
    '}',
    // The matcher: a list of codes and low-high ranges; 2xx when there is none.
    'rd_pass() {',
    'if [ "$rd_code" = open ]; then return 0; fi',
    'if [ -z "$rd_codes" ]; then case "$rd_code" in 2??) return 0 ;; esac; return 1; fi',
    'rd_rest="$rd_codes,"',
    'while [ -n "$rd_rest" ]; do',
    '  rd_one=${rd_rest%%,*}; rd_rest=${rd_rest#*,}',
    '  case "$rd_one" in',
    '    *-*) [ "$rd_code" -ge "${rd_one%-*}" ] 2>/dev/null && [ "$rd_code" -le "${rd_one#*-}" ] && return 0 ;;',
    '    *) [ "$rd_code" = "$rd_one" ] && return 0 ;;',
    '  esac',
    'done',
    'return 1',
    '}',
    'rd_end=$(( $(date +%s) + rd_wait ))',
    'while :; do',
    protocol === 'tcp' ? '  rd_tcp' : '  rd_read',
    '  if rd_pass; then',
    '    if [ -z "$rd_want" ] || grep -qF -e "$rd_want" "$rd_body"; then break; fi',
    '  fi',
    '  [ "$(date +%s)" -lt "$rd_end" ] || break',
    '  sleep 0.5 2>/dev/null || sleep 1',
    'done',
    `echo "${HEALTH_MARKER} status=\${rd_code:-000}"`,
    'head -c 2000 "$rd_body"',
    'rm -f "$rd_body"',
    'exit 0'
  ]
  return lines.join('\n')
}

/** Reads the port and path back out of a script built by healthScript (for simulators): the
 *  path as sent (wirePath), which is the given path for any path without spaces, control
 *  characters or non-ASCII. */
export function readHealthScript(
  script: string
): (HealthTarget & { wait: HealthWait }) | undefined {
  if (!script.includes(HEALTH_MARKER)) return undefined
  const literal = (name: string): string | undefined => {
    const m = new RegExp(`${name}=\\$\\(printf '%s' '([A-Za-z0-9+/=]*)'`).exec(script)
    return m?.[1] === undefined ? undefined : Buffer.from(m[1], 'base64').toString('utf8')
  }
  const port = literal('rd_port')
  const path = literal('rd_path')
  if (port === undefined || path === undefined) return undefined
  const want = literal('rd_want')
  const seconds = Number(/^rd_wait=(\d+)$/m.exec(script)?.[1] ?? 0)
  const scheme = /^rd_url="(https?):/m.exec(script)?.[1]
  const protocol = /^ {2}rd_tcp$/m.test(script) ? 'tcp' : scheme === 'https' ? 'https' : undefined
  const codes = literal('rd_codes') || undefined
  return {
    port: Number(port),
    path,
    ...(protocol ? { protocol } : {}),
    ...(codes ? { codes } : {}),
    wait: { seconds, expect: want || undefined }
  }
}

export interface HealthReading {
  /** HTTP status; 0 when nothing answered (and for a TCP check, open or not). */
  status: number
  /** A TCP check: the port accepted a connection. */
  open?: boolean
  body: string
  /** The `version` field of a JSON body, when there is one. */
  version?: string
}

/** Parses what healthScript printed. Undefined when the output is not a health reading. */
export function parseHealthOutput(output: string): HealthReading | undefined {
  const start = output.indexOf(`${HEALTH_MARKER} status=`)
  if (start < 0) return undefined
  const rest = output.slice(start + HEALTH_MARKER.length + ' status='.length)
  const newline = rest.indexOf('\n')
  const word = newline < 0 ? rest : rest.slice(0, newline)
  const status = Number.parseInt(word, 10) || 0
  const body = newline < 0 ? '' : rest.slice(newline + 1)
  const open = word.trim() === 'open' ? { open: true } : {}
  return { status, body, ...open, version: jsonVersion(body) }
}

function jsonVersion(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    if (parsed && typeof parsed === 'object' && 'version' in parsed) {
      const v = (parsed as { version: unknown }).version
      if (typeof v === 'string' || typeof v === 'number') return String(v)
    }
  } catch {
    // not JSON: the version is looked for as a substring instead
  }
  return undefined
}

/** The spec's rule: the JSON body's `version` field when there is one, else a substring of the body. */
export function reportsVersion(reading: HealthReading, expected: string): boolean {
  if (reading.version !== undefined) return reading.version === expected
  return reading.body.includes(expected)
}

export const isHealthyStatus = (status: number): boolean => status >= 200 && status < 300
