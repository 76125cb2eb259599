import { describe, it, expect } from '@jest/globals'
import { settings, onlyError } from './helpers.js'
import { Input } from '../../src/constants.js'

describe('health-path', () => {
  it.each(['/', '/health', '/_status?full=1', '/a%20b', '/_status;$(id)', '/x'.repeat(512)])(
    'accepts %j (quoting downstream keeps shell characters inert)',
    (path) => {
      expect(settings({ [Input.HealthPath]: path }).healthPath).toBe(path)
    }
  )

  it('rejects a path without a leading slash', () => {
    const e = onlyError({ [Input.HealthPath]: 'health' })
    expect(e.input).toBe('health-path')
    expect(e.message).toContain('/health')
  })

  it.each([
    '/a\nb',
    '/a b',
    '/a\tb',
    '/a\u00a0b',
    '/a\u0000b',
    '/a\u001b[31mb',
    '/_status;touch /tmp/x'
  ])('rejects whitespace and control characters in %j', (path) => {
    const e = onlyError({ [Input.HealthPath]: path })
    expect(e.input).toBe('health-path')
    expect(e.value).toBe(path)
    expect(e.message).toContain('whitespace or a control character')
    expect([...e.message].some((c) => c.charCodeAt(0) < 0x20)).toBe(false)
  })

  it('rejects a path over 1024 characters', () => {
    const e = onlyError({ [Input.HealthPath]: '/' + 'a'.repeat(1024) })
    expect(e.message).toContain('1024')
    expect(e.value.length).toBeLessThanOrEqual(200)
  })
})

describe('health-port', () => {
  it.each([
    ['traffic-port', 'traffic-port'],
    ['Traffic-Port', 'traffic-port'],
    ['1', 1],
    ['8080', 8080],
    ['65535', 65535]
  ])('reads %j', (raw, expected) => {
    expect(settings({ [Input.HealthPort]: raw }).healthPort).toBe(expected)
  })

  it.each(['0', '65536', '80.5', '-1', 'http', '0x50', '1e3'])('rejects %j', (raw) => {
    const e = onlyError({ [Input.HealthPort]: raw })
    expect(e.input).toBe('health-port')
    expect(e.message).toContain('traffic-port or a port number from 1 to 65535')
  })
})

describe('expected-version', () => {
  it('keeps a version, spaces and shell characters included', () => {
    expect(settings({ [Input.ExpectedVersion]: 'v1.2.3 "build $(x)"' }).expectedVersion).toBe(
      'v1.2.3 "build $(x)"'
    )
  })

  it('allows 256 characters and no more', () => {
    expect(settings({ [Input.ExpectedVersion]: 'v'.repeat(256) }).expectedVersion).toHaveLength(256)
    const e = onlyError({ [Input.ExpectedVersion]: 'v'.repeat(257) })
    expect(e.input).toBe('expected-version')
    expect(e.message).toContain('256')
  })

  it.each(['1.0\n2.0', '1.0\r2', 'a\tb', 'a\u0007b', 'a\u0085b'])(
    'rejects control characters in %j',
    (v) => {
      const e = onlyError({ [Input.ExpectedVersion]: v })
      expect(e.input).toBe('expected-version')
      expect(e.message).toContain('control character')
    }
  )
})
