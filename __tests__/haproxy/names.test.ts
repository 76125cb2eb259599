import { describe, expect, it } from '@jest/globals'
import { nameProblem, socketProblem, stepCommands } from '../../src/haproxy/names.js'

describe('runtime API commands per step', () => {
  const ref = { backend: 'web', server: 'i-0123456789abcdef0' }
  it('drain, maint (+ shutdown sessions), restore (drain, health down, then ready)', () => {
    expect(stepCommands('drain', ref)).toEqual(['set server web/i-0123456789abcdef0 state drain'])
    expect(stepCommands('maint', ref)).toEqual([
      'set server web/i-0123456789abcdef0 state maint',
      'shutdown sessions server web/i-0123456789abcdef0'
    ])
    expect(stepCommands('restore', ref)).toEqual([
      'set server web/i-0123456789abcdef0 state drain',
      'set server web/i-0123456789abcdef0 health down',
      'set server web/i-0123456789abcdef0 state ready'
    ])
  })

  it('refuses names HAProxy itself would refuse, so none can carry a second command', () => {
    for (const bad of ['web b', 'web;show info', "web'", 'web\nshow info', '']) {
      expect(nameProblem('backend', bad)).toMatch(/character HAProxy does not allow/)
      expect(() => stepCommands('drain', { backend: 'web', server: bad })).toThrow(
        /HAProxy server name/
      )
    }
    expect(nameProblem('server', 'app-1.example_com:x')).toBeUndefined()
  })

  it('accepts only plain absolute socket paths', () => {
    expect(socketProblem('/run/haproxy/admin.sock')).toBeUndefined()
    for (const bad of ['run/haproxy.sock', '/run/a,b.sock', '/run/a:b', '/run/$(x)']) {
      expect(socketProblem(bad)).toMatch(/haproxy-socket/)
    }
  })
})
