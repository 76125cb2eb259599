// Names that travel into HAProxy's runtime API. The runtime API splits a command line on spaces
// and runs `;`-separated commands one after the other (HAProxy management guide, "Unix Socket
// commands"), so a name with such a character could smuggle a second command. HAProxy itself
// only accepts proxy and server names made of letters, digits, '.', ':', '_' and '-'
// (invalid_char() in src/tools.c of github.com/haproxy/haproxy): anything else cannot name a real
// backend or server, and is refused here before any command is built.

const NAME = /^[A-Za-z0-9._:-]+$/

/** Why a backend or server name cannot be sent, or undefined when it can. */
export function nameProblem(kind: 'backend' | 'server', name: string): string | undefined {
  if (NAME.test(name)) return undefined
  return (
    `HAProxy ${kind} name ${JSON.stringify(name)} has a character HAProxy does not allow in names ` +
    `(only letters, digits, '.', ':', '_' and '-'): check the spelling in haproxy-backends ` +
    `and in the HAProxy configuration`
  )
}

/** A socket path socat, nc and python can all open as given: absolute, and without the ',' and
 *  ':' that socat's address syntax would read as option separators. */
const SOCKET = /^\/[A-Za-z0-9._/@+-]+$/

export function socketProblem(path: string): string | undefined {
  if (SOCKET.test(path)) return undefined
  return (
    `haproxy-socket ${JSON.stringify(path)} must be an absolute path of letters, digits and ` +
    `'/', '.', '_', '-', '@', '+' (for example /run/haproxy/admin.sock)`
  )
}

function checked(kind: 'backend' | 'server', name: string): string {
  const problem = nameProblem(kind, name)
  if (problem) throw new Error(problem)
  return name
}

/** A server of a backend, as the runtime API names it: `<backend>/<server>`. */
export interface ServerRef {
  backend: string
  server: string
}

export const serverPath = (ref: ServerRef): string =>
  `${checked('backend', ref.backend)}/${checked('server', ref.server)}`

/** The runtime API commands of each change step, per server (HAProxy management guide:
 *  "set server <backend>/<server> state [ ready | drain | maint ]", "set server ... health
 *  [ up | stopping | down ]", "shutdown sessions server <backend>/<server>"). */
export type ChangeStep = 'drain' | 'maint' | 'restore'

export function stepCommands(step: ChangeStep, ref: ServerRef): string[] {
  const path = serverPath(ref)
  switch (step) {
    case 'drain':
      return [`set server ${path} state drain`]
    case 'maint':
      // maint first, so no new session lands between the shutdown and the state change.
      return [`set server ${path} state maint`, `shutdown sessions server ${path}`]
    case 'restore':
      // `ready` alone marks the server UP at once, before any check (TOOLCHAIN.md, verified on
      // 2.6.12): `health down` first makes UP come only from fresh checks (rise x inter). From
      // maint that is not enough: on 2.6.12, maint -> health down -> ready reads "UP 1/2" at
      // once (checks are off in maint, so health down does not hold). Leaving maint for drain
      // first (no new traffic either) makes health down hold: drain -> health down -> ready reads
      // DOWN until the checks pass. `state drain` on a drained server changes nothing.
      return [
        `set server ${path} state drain`,
        `set server ${path} health down`,
        `set server ${path} state ready`
      ]
  }
}
