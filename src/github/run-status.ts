// Whether the GitHub Actions run holding a lock has ended, asked through the REST API
// (GET /repos/{owner}/{repo}/actions/runs/{run_id}: "status" is completed once the run is over).
// Anything short of a clear "completed" is "cannot tell": a lock is never called stale on a guess.

import { getOctokit } from '@actions/github'

export type RunStatus =
  | { state: 'ended'; conclusion: string | null }
  | { state: 'running'; status: string }
  | { state: 'unknown'; reason: string }

export interface RunRef {
  owner: string
  repo: string
  runId: number
}

const API_TIMEOUT_MS = 10_000

/**
 * The run a lock's runUrl names, when it is a run of the GitHub server this job runs on
 * (GITHUB_SERVER_URL): the API of this server knows nothing of another server's runs.
 */
export function parseRunUrl(runUrl: string, serverUrl = 'https://github.com'): RunRef | undefined {
  let url: URL
  let server: URL
  try {
    url = new URL(runUrl)
    server = new URL(serverUrl)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  if (url.origin !== server.origin) return undefined
  const base = server.pathname.replace(/\/+$/, '')
  const rest = url.pathname.startsWith(`${base}/`) ? url.pathname.slice(base.length) : undefined
  const m = rest && /^\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/actions\/runs\/(\d+)\/?$/.exec(rest)
  if (!m) return undefined
  return { owner: m[1]!, repo: m[2]!, runId: Number(m[3]) }
}

/**
 * Asks GitHub about the lock holder's run. The base URL is read from GITHUB_API_URL at each call
 * (@actions/github reads it once, when the module loads).
 */
export async function holderRunStatus(
  runUrl: string,
  token: string | undefined,
  env: NodeJS.ProcessEnv = process.env
): Promise<RunStatus> {
  if (!token) return { state: 'unknown', reason: 'no github-token' }
  const ref = parseRunUrl(runUrl, env.GITHUB_SERVER_URL || 'https://github.com')
  if (!ref) return { state: 'unknown', reason: `${runUrl} is not a run of this GitHub server` }
  try {
    const octokit = getOctokit(token, {
      baseUrl: env.GITHUB_API_URL || 'https://api.github.com'
    })
    const { data } = await octokit.rest.actions.getWorkflowRun({
      owner: ref.owner,
      repo: ref.repo,
      run_id: ref.runId,
      request: { signal: AbortSignal.timeout(API_TIMEOUT_MS) }
    })
    if (data.status === 'completed') return { state: 'ended', conclusion: data.conclusion ?? null }
    if (typeof data.status === 'string' && data.status)
      return { state: 'running', status: data.status }
    return { state: 'unknown', reason: 'the run has no status' }
  } catch (err) {
    const status = (err as { status?: number }).status
    return {
      state: 'unknown',
      reason: status ? `GitHub API answered ${status}` : `GitHub API: ${(err as Error).message}`
    }
  }
}

/** The predicate the lock protocol takes: true only when GitHub says the run has completed. */
export const holderEnded =
  (token: string | undefined, env: NodeJS.ProcessEnv = process.env) =>
  async (holder: { runUrl: string }): Promise<boolean> =>
    (await holderRunStatus(holder.runUrl, token, env)).state === 'ended'
