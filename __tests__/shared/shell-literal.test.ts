// A value reaches a host's shell only as base64 decoded there: whatever it holds (quotes, $(),
// newlines, backticks), the shell sees only [A-Za-z0-9+/=] and the decoded value comes out as
// written. Checked with a real sh, as the host runs it.

import { test, expect } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { b64, decodedAssignment } from '../../src/shared/shell-literal.js'

const NASTY = `it's "$(touch /tmp/pwned)" \`id\` $HOME; rm -rf / #\nsecond line ü`

test('the literal holds only base64 characters', () => {
  expect(b64(NASTY)).toMatch(/^[A-Za-z0-9+/=]+$/)
  expect(Buffer.from(b64(NASTY), 'base64').toString('utf8')).toBe(NASTY)
})

test('the assignment gives the shell variable the value as written, running nothing in it', () => {
  const script = `${decodedAssignment('v', NASTY)}\nprintf '%s' "$v"`
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' })
  // $(...) drops trailing newlines only; NASTY has none.
  expect(out).toBe(NASTY)
})
