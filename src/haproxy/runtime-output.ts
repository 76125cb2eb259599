// Parsers of HAProxy's runtime API answers: `show servers state` (format 1) and `show stat` (CSV),
// raw as HAProxy prints them or filtered to some columns by the node script; both are read by
// their header line, so the order and number of columns do not matter.
// Field meanings: HAProxy management guide (doc/management.txt), "show servers state" and
// "9.1. CSV format"; the admin bits are enum srv_admin in include/haproxy/server-t.h
// (github.com/haproxy/haproxy), the operational states enum srv_state in the same file.

/** Rows of a table, each a map from column name to text. `error` holds an answer that is not
 *  the table (e.g. "Can't find backend."). */
export interface Table {
  rows: Record<string, string>[]
  error?: string
}

/** `show servers state`: line 1 is the format version (1), line 2 the header `# col col ...`,
 *  then one space-separated line per server. */
export function parseServersState(text: string): Table {
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  if (lines.length === 0) return { rows: [], error: 'no answer' }
  if (lines[0]!.trim() !== '1') return { rows: [], error: lines.join(' ').trim() }
  let header: string[] | undefined
  const rows: Record<string, string>[] = []
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/)
    if (fields[0] === '#') {
      header = fields.slice(1)
      continue
    }
    if (!header) return { rows: [], error: 'no header line' }
    rows.push(Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ''])))
  }
  return { rows }
}

/** `show stat`: a header `# pxname,svname,...` then one CSV line per proxy or server. */
export function parseStat(text: string): Table {
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  if (lines.length === 0) return { rows: [], error: 'no answer' }
  const first = lines[0]!
  if (!first.startsWith('# ')) return { rows: [], error: lines.join(' ').trim() }
  const header = first.slice(2).split(',')
  const rows = lines
    .slice(1)
    .map((line) => line.split(','))
    .map((fields) => Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ''])))
  return { rows }
}

// enum srv_admin (include/haproxy/server-t.h) and the "show servers state" section of
// doc/management.txt: 0x01 FMAINT (forced, i.e. `set server ... state maint`), 0x02 IMAINT
// (inherited from a tracked server), 0x04 CMAINT (`disabled` in the configuration), 0x20 RMAINT
// (address resolution failure): any of them is maintenance. 0x08 FDRAIN (forced, `state drain`)
// and 0x10 IDRAIN (inherited): drain. HAProxy's own rule: MAINT wins over DRAIN.
export const ADMIN_MAINT_BITS = 0x01 | 0x02 | 0x04 | 0x20
export const ADMIN_DRAIN_BITS = 0x08 | 0x10

export type AdminState = 'ready' | 'drain' | 'maint'

export function adminState(bits: number): AdminState {
  if (bits & ADMIN_MAINT_BITS) return 'maint'
  if (bits & ADMIN_DRAIN_BITS) return 'drain'
  return 'ready'
}

/** enum srv_state: 0 STOPPED (down), 1 STARTING (up, warming up under slowstart), 2 RUNNING (up),
 *  3 STOPPING (up but soft-stopping, e.g. a 404 under `http-check disable-on-404`). */
export type OperationalState = 'down' | 'starting' | 'up' | 'stopping'
const OPERATIONAL: readonly OperationalState[] = ['down', 'starting', 'up', 'stopping']

export function operationalState(code: number): OperationalState | undefined {
  return OPERATIONAL[code]
}

/** One server of one backend as one node sees it. */
export interface ServerOnNode {
  backend: string
  server: string
  address: string
  port?: number
  /** The port checks go to when it differs from `port` (srv_check_port; 0 means "the server's"). */
  checkPort?: number
  admin: AdminState
  adminBits: number
  operational: OperationalState
  /** scur: current sessions. */
  sessions: number
  /** qcur: requests queued for this server. */
  queued: number
  /** show stat's status word(s), e.g. UP, DOWN, DRAIN, MAINT, "UP 1/2", "no check". */
  status: string
  /** show stat's check_status without the "* " of a check in progress; '' without checks. */
  checkStatus: string
}

const int = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^\d+$/.test(text)) return undefined
  return Number(text)
}

/** Joins the two answers for one backend by server name. Servers missing from either answer, or
 *  with a field that does not parse, are listed in `problems` instead. */
export function serversOfBackend(
  backend: string,
  state: Table,
  stat: Table
): { servers: ServerOnNode[]; problems: string[] } {
  const statByName = new Map(stat.rows.map((row) => [row.svname, row]))
  const servers: ServerOnNode[] = []
  const problems: string[] = []
  for (const row of state.rows) {
    if (row.be_name !== undefined && row.be_name !== backend) continue
    const name = row.srv_name ?? ''
    const counters = statByName.get(name)
    const bits = int(row.srv_admin_state)
    const op = operationalState(int(row.srv_op_state) ?? -1)
    const sessions = int(counters?.scur)
    const queued = int(counters?.qcur)
    if (!counters || bits === undefined || !op || sessions === undefined || queued === undefined) {
      problems.push(
        `${backend}/${name}: incomplete state (show servers state and show stat disagree)`
      )
      continue
    }
    const port = int(row.srv_port)
    const checkPort = int(row.srv_check_port)
    servers.push({
      backend,
      server: name,
      address: row.srv_addr ?? '',
      ...(port ? { port } : {}),
      ...(checkPort ? { checkPort } : {}),
      admin: adminState(bits),
      adminBits: bits,
      operational: op,
      sessions,
      queued,
      status: counters.status ?? '',
      checkStatus: (counters.check_status ?? '').replace(/^\* /, '')
    })
  }
  return { servers, problems }
}
