// The node scripts' output framing, read back. The bodies are what the scripts printed on the
// real HAProxy 2.6 of this machine (node-script.test.ts runs them); here the edge cases.
import { describe, expect, it } from '@jest/globals'
import { parseChangeOutput, parseReadOutput } from '../../src/haproxy/script-output.js'

const M = 'rolling-deploy-haproxy'
const read = [
  `${M} tool=socat`,
  `${M} begin servers-state web`,
  '1',
  '# srv_name srv_addr srv_op_state srv_admin_state srv_port srv_check_port',
  'i-0123456789abcdef0 10.0.0.5 2 8 80 0',
  'web2 10.0.0.6 2 0 80 8080',
  `${M} end servers-state total=3`,
  `${M} begin stat web`,
  '# svname,qcur,scur,status,check_status',
  'i-0123456789abcdef0,0,3,DRAIN,* L7OK',
  'web2,1,0,UP,L7OK',
  `${M} end stat total=3`,
  `${M} begin servers-state api`,
  "! Can't find backend.",
  `${M} end servers-state total=0 error`,
  `${M} begin stat api`,
  '! No such proxy.',
  `${M} end stat total=0 error`,
  `${M} done`
].join('\n')

describe('parseReadOutput', () => {
  it('gives each backend its servers, its total and what a missing one answered', () => {
    const node = parseReadOutput(read)
    expect(node.tool).toBe('socat')
    expect(node.complete).toBe(true)
    const web = node.backends.get('web')!
    expect(web.total).toBe(3)
    expect(web.servers).toEqual([
      expect.objectContaining({
        server: 'i-0123456789abcdef0',
        admin: 'drain',
        sessions: 3,
        checkStatus: 'L7OK',
        port: 80
      }),
      expect.objectContaining({ server: 'web2', admin: 'ready', queued: 1, checkPort: 8080 })
    ])
    expect(node.backends.get('api')).toEqual({
      missing: "Can't find backend.",
      servers: [],
      total: 0,
      problems: []
    })
  })

  it('a read cut by SSM’s 24,000 characters is incomplete and says where it stopped', () => {
    const cut = read.slice(0, read.indexOf('web2,1,0'))
    const node = parseReadOutput(cut)
    expect(node.complete).toBe(false)
    expect(node.backends.get('web')!.problems).toEqual([
      'web: the read ended early',
      expect.stringContaining('web/web2')
    ])
  })

  it('no tool or no socket on the node', () => {
    expect(parseReadOutput(`${M} tool=none\n${M} error=no-tool\n`)).toMatchObject({
      tool: 'none',
      error: 'no-tool',
      complete: false
    })
  })
})

describe('parseChangeOutput', () => {
  it('each command is ok only when HAProxy answered nothing and the tool exited 0', () => {
    const out = [
      `${M} tool=nc`,
      `${M} cmd 1 set server web/a state drain`,
      `${M} end 1 rc=0`,
      `${M} cmd 2 set server web/zz state drain`,
      'No such server.',
      `${M} end 2 rc=0`,
      `${M} cmd 3 set server web/b state drain`,
      '2026/11/28 socat[1] E connect(): Connection refused',
      `${M} end 3 rc=1`,
      `${M} done`
    ].join('\n')
    expect(parseChangeOutput(out)).toEqual({
      tool: 'nc',
      complete: true,
      results: [
        { command: 'set server web/a state drain', ok: true, answer: '' },
        { command: 'set server web/zz state drain', ok: false, answer: 'No such server.' },
        {
          command: 'set server web/b state drain',
          ok: false,
          answer: '2026/11/28 socat[1] E connect(): Connection refused'
        }
      ]
    })
  })
})
