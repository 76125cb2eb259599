import { describe, it, expect } from '@jest/globals'
import { PERMISSIONS_HINT, failureWarning } from '../../src/github/warnings.js'

const httpError = (status: number, message: string) =>
  Object.assign(new Error(message), { name: 'HttpError', status })

describe('failureWarning', () => {
  it.each([403, 404])(
    'HTTP %i: the token was refused, with the permissions block to add',
    (status) => {
      const text = failureWarning(httpError(status, 'Resource not accessible'), 'create', 'prod')
      expect(text).toContain('could not record a GitHub deployment for environment "prod"')
      expect(text).toContain(`HTTP ${status}: Resource not accessible`)
      expect(text).toContain(PERMISSIONS_HINT)
    }
  )

  it('names the status being set, and only the first line of a long error', () => {
    const err = httpError(502, `Bad Gateway\n${'<html>'.repeat(100)}`)
    const text = failureWarning(err, 'failure', 'prod')
    expect(text).toBe(
      'rolling-deploy could not set the GitHub deployment status "failure" for environment ' +
        '"prod" (HTTP 502): Bad Gateway. The deploy itself goes on.'
    )
  })

  it('cuts an error message to 300 characters and takes non-Error throws', () => {
    expect(failureWarning(new Error('e'.repeat(500)), 'create', 'p')).toContain(
      `: ${'e'.repeat(300)}. The deploy`
    )
    expect(failureWarning('boom', 'create', 'p')).toContain(': boom. The deploy itself goes on.')
  })
})
