// The GitHub REST calls behind a deployment: the two `rest.repos` methods, shaped so the real
// octokit (octokitDeployments) or a test fake can stand behind them.

import { getOctokit } from '@actions/github'

/** The deployment states GitHub accepts for a deployment status. */
export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success'

export interface CreateDeploymentParams {
  owner: string
  repo: string
  ref: string
  environment: string
  required_contexts: string[]
  auto_merge: boolean
  transient_environment: boolean
  description: string
  task: string
  payload: Record<string, unknown>
}

export interface CreateDeploymentStatusParams {
  owner: string
  repo: string
  deployment_id: number
  state: DeploymentState
  log_url?: string
  description?: string
}

/**
 * The two REST calls this module makes, shaped like octokit's `rest.repos` methods so the real
 * octokit (see octokitDeployments) or a test fake can stand behind them.
 */
export interface DeploymentsApi {
  createDeployment(params: CreateDeploymentParams): Promise<{ status: number; data: unknown }>
  createDeploymentStatus(params: CreateDeploymentStatusParams): Promise<unknown>
}

/** A GitHub API call that hangs must not hold up the deploy. */
const API_TIMEOUT_MS = 20_000

/** The real API: octokit from @actions/github (GITHUB_API_URL, proxy settings included). */
export function octokitDeployments(
  token: string,
  options: { baseUrl?: string } = {}
): DeploymentsApi {
  const octokit = getOctokit(token, options.baseUrl ? { baseUrl: options.baseUrl } : {})
  const request = () => ({ signal: AbortSignal.timeout(API_TIMEOUT_MS) })
  return {
    createDeployment: (params) =>
      octokit.rest.repos.createDeployment({ ...params, request: request() }),
    createDeploymentStatus: (params) =>
      octokit.rest.repos.createDeploymentStatus({ ...params, request: request() })
  }
}
