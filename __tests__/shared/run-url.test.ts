import { describe, it, expect } from '@jest/globals'
import { runUrl } from '../../src/shared/run-url.js'

describe('runUrl', () => {
  const env = { GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '4242' }

  it('links the run on the server the runner names (GitHub Enterprise Server included)', () => {
    expect(runUrl({ ...env, GITHUB_SERVER_URL: 'https://github.example.com' })).toBe(
      'https://github.example.com/acme/shop/actions/runs/4242'
    )
  })

  it.each([undefined, ''])('takes https://github.com when GITHUB_SERVER_URL is %j', (server) => {
    expect(runUrl({ ...env, GITHUB_SERVER_URL: server })).toBe(
      'https://github.com/acme/shop/actions/runs/4242'
    )
  })

  it('is undefined outside GitHub Actions (no repository or run id)', () => {
    expect(runUrl({})).toBeUndefined()
    expect(runUrl({ GITHUB_REPOSITORY: 'acme/shop' })).toBeUndefined()
    expect(runUrl({ GITHUB_RUN_ID: '1' })).toBeUndefined()
  })
})
