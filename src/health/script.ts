// The health check that runs on each host through SSM. Input values (path, port) travel as
// base64 literals decoded on the host, so no character of them is ever parsed by a shell.

import { decodedAssignment } from '../shared/shell-literal.js'
export const HEALTH_MARKER = 'rolling-deploy-health'

/** The parts of a health check that vary per run; the sim and the emulator read them back. */
export interface HealthTarget {
  port: number
  path: string
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
  return [
    `# ${HEALTH_MARKER}: values are base64 so the shell never parses them`,
    decodedAssignment('rd_port', String(target.port)),
    decodedAssignment('rd_path', wirePath(target.path)),
    decodedAssignment('rd_want', wait.expect ?? ''),
    `rd_wait=${seconds}`,
    'rd_url="http://127.0.0.1:${rd_port}${rd_path}"',
    'rd_body=$(mktemp)',
    'rd_read() {',
    ': > "$rd_body"',
    'if command -v curl >/dev/null 2>&1; then',
    '  rd_code=$(curl -s -g --path-as-is -o "$rd_body" -w "%{http_code}" --max-time 5 "$rd_url")',
    'elif command -v wget >/dev/null 2>&1; then',
    `  rd_code=$(wget -S -q -T 5 -O "$rd_body" "$rd_url" 2>&1 | awk '/^ *HTTP\\//{c=$2} END{print c}')`,
    'else',
    `  rd_code=$(python3 -c 'import sys,urllib.request,urllib.error
try:
  r=urllib.request.urlopen(sys.argv[1],timeout=5); c=r.status; b=r.read()
except urllib.error.HTTPError as e:
  c=e.code; b=e.read()
except Exception:
  c=0; b=b""
open(sys.argv[2],"wb").write(b); print(c)' "$rd_url" "$rd_body")`,
    'fi',
    '}',
    'rd_end=$(( $(date +%s) + rd_wait ))',
    'while :; do',
    '  rd_read',
    '  case "$rd_code" in',
    '    2??) if [ -z "$rd_want" ] || grep -qF -e "$rd_want" "$rd_body"; then break; fi ;;',
    '  esac',
    '  [ "$(date +%s)" -lt "$rd_end" ] || break',
    '  sleep 0.5 2>/dev/null || sleep 1',
    'done',
    `echo "${HEALTH_MARKER} status=\${rd_code:-000}"`,
    'head -c 2000 "$rd_body"',
    'rm -f "$rd_body"',
    'exit 0'
  ].join('\n')
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
  return { port: Number(port), path, wait: { seconds, expect: want || undefined } }
}

export interface HealthReading {
  /** HTTP status; 0 when nothing answered. */
  status: number
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
  const status = Number.parseInt(newline < 0 ? rest : rest.slice(0, newline), 10) || 0
  const body = newline < 0 ? '' : rest.slice(newline + 1)
  return { status, body, version: jsonVersion(body) }
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
