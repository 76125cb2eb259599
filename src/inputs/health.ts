// The on-host health check's inputs: health-path, health-port, expected-version. They reach a
// script on the host, so anything that could break a line or a header is refused here.

import { Input } from '../constants.js'
import { show, type Fail } from './errors.js'
import { parseCount } from './text.js'

const MAX_HEALTH_PATH = 1024
const MAX_EXPECTED_VERSION = 256
// C0, DEL and C1 controls: they could forge log lines or break the one-line annotation.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// eslint-disable-next-line no-control-regex
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/

export function parseHealthPath(raw: string, fail: Fail): string | undefined {
  const name = Input.HealthPath
  if (raw === '') return undefined
  if (!raw.startsWith('/')) {
    fail(name, raw, `${name} ${show(raw)} does not start with /: use a path such as /health`)
  } else if (WHITESPACE_OR_CONTROL.test(raw)) {
    fail(
      name,
      raw,
      `${name} ${show(raw)} contains whitespace or a control character: use a path without ` +
        'them, percent-encoded where needed (%20 for a space)'
    )
  } else if (raw.length > MAX_HEALTH_PATH) {
    fail(
      name,
      raw,
      `${name} ${show(raw)} is longer than ${MAX_HEALTH_PATH} characters: use a shorter path`
    )
  }
  return raw
}

export function parseHealthPort(raw: string, fail: Fail): number | 'traffic-port' | undefined {
  const name = Input.HealthPort
  if (raw === '') return undefined
  if (raw.toLowerCase() === 'traffic-port') return 'traffic-port'
  const port = parseCount(raw)
  if (port !== undefined && port >= 1 && port <= 65535) return port
  fail(
    name,
    raw,
    `${name} ${show(raw)} is invalid: use traffic-port or a port number from 1 to 65535`
  )
  return undefined
}

export function parseExpectedVersion(raw: string, fail: Fail): string | undefined {
  const name = Input.ExpectedVersion
  if (raw === '') return undefined
  if (CONTROL.test(raw)) {
    fail(
      name,
      raw,
      `${name} ${show(raw)} contains a newline or control character: use the single-line ` +
        'version the health endpoint reports, e.g. 1.4.2 or a commit SHA'
    )
  } else if (Array.from(raw).length > MAX_EXPECTED_VERSION) {
    fail(
      name,
      raw,
      `${name} ${show(raw)} is longer than ${MAX_EXPECTED_VERSION} characters: use the ` +
        'version the health endpoint reports, e.g. 1.4.2 or a commit SHA'
    )
  }
  return raw
}
