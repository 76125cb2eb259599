// The GitHub deployment recorded for `environment`: created when the rollout starts, set
// `in_progress` with a link to the run, then `success` or `failure` at the end (or from the post
// step after a cancel, through the deployment id the main step saved). Recording it is a courtesy
// to the people watching the environment: it never fails the deploy. A token without
// `deployments: write` gets one warning naming the permissions to add, and nothing else.

import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import type { RolloutOutcome, RunResult } from '../rollout/outcome.js'
import { countStates } from '../report/json.js'

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

/** What the post step needs to finish a deployment the main step started: JSON-safe. */
export interface Deployment {
  id: number
  environment: string
}

export interface DeploymentOptions {
  environment: string
  /** The github-token input. */
  token?: string
  /** Injected in tests; by default the octokit of @actions/github with `token`. */
  api?: DeploymentsApi
  /** The workflow's environment (GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_RUN_ID). */
  env?: NodeJS.ProcessEnv
  /** Where warnings go (core.warning by default). */
  warn?: (message: string) => void
  /** Shown on the deployment, e.g. the target groups. */
  description?: string
}

/** GitHub cuts deployment and status descriptions at 140 characters. */
const DESCRIPTION_MAX = 140
/** A GitHub API call that hangs must not hold up the deploy. */
const API_TIMEOUT_MS = 20_000

export const PERMISSIONS_HINT = [
  'permissions:',
  '  deployments: write',
  '  contents: read',
  '  id-token: write   # only if AWS credentials come from OIDC (configure-aws-credentials)'
].join('\n')

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

/** The link a deployment status points at: this workflow run. */
export function runLogUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
}

/** success → success; failed, rolled-back and cancelled → failure; a dry run records nothing. */
export function deploymentState(result: RunResult): DeploymentState {
  return result === 'success' ? 'success' : result === 'dry-run' ? 'inactive' : 'failure'
}

/** A one-line description of a finished run for its deployment status (≤ 140 characters). */
export function describeOutcome(
  outcome: Pick<RolloutOutcome, 'result' | 'reason' | 'hosts'>
): string {
  const c = countStates(outcome.hosts)
  const counts = [
    `${c.deployed} deployed`,
    `${c.failed} failed`,
    c.rolledBack ? `${c.rolledBack} rolled back` : '',
    c.pending ? `${c.pending} pending` : '',
    c.skipped ? `${c.skipped} skipped` : ''
  ]
    .filter(Boolean)
    .join(', ')
  return clip(
    `rolling-deploy ${outcome.result}: ${counts}${outcome.reason ? ` (${outcome.reason})` : ''}`
  )
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length <= DESCRIPTION_MAX ? oneLine : oneLine.slice(0, DESCRIPTION_MAX - 1) + '…'
}

function httpStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.split('\n')[0]!.slice(0, 300)
}

/**
 * One deployment for one run. `start()` creates it and sets it in progress; `finish()` sets the
 * final state. Every problem becomes a warning (at most one per run) and the rest is skipped.
 */
export class GitHubDeployment {
  private deployment: Deployment | undefined
  private warned = false
  private readonly env: NodeJS.ProcessEnv
  private readonly warnFn: (message: string) => void

  constructor(private readonly options: DeploymentOptions) {
    this.env = options.env ?? process.env
    this.warnFn = options.warn ?? ((message) => core.warning(message))
  }

  /** The deployment once created, e.g. to save its id for the post step. */
  get current(): Deployment | undefined {
    return this.deployment
  }

  async start(): Promise<Deployment | undefined> {
    const { environment } = this.options
    const repo = repository(this.env)
    const sha = this.env.GITHUB_SHA
    if (!repo || !sha) {
      this.warn(
        `rolling-deploy: no GitHub deployment recorded for environment "${environment}": GITHUB_REPOSITORY and GITHUB_SHA are not set (not running in GitHub Actions?). The deploy goes on.`
      )
      return undefined
    }
    const api = this.api()
    if (!api) return undefined
    let id: number
    try {
      const res = await api.createDeployment({
        ...repo,
        ref: sha,
        environment,
        required_contexts: [],
        auto_merge: false,
        transient_environment: false,
        task: 'deploy',
        payload: { tool: 'rolling-deploy' },
        description: clip(this.options.description ?? `rolling-deploy of ${sha.slice(0, 7)}`)
      })
      const created = (res.data as { id?: unknown } | null)?.id
      if (typeof created !== 'number') {
        const message = (res.data as { message?: unknown } | null)?.message
        throw new Error(
          `GitHub did not create a deployment (HTTP ${res.status}${message ? `: ${String(message)}` : ''})`
        )
      }
      id = created
    } catch (err) {
      this.failed(err, 'create')
      return undefined
    }
    this.deployment = { id, environment }
    await this.setStatus(id, 'in_progress', `rolling-deploy: rolling ${sha.slice(0, 7)} out`)
    return this.deployment
  }

  /** Sets the final state of the deployment `start()` created; nothing when there is none. */
  async finish(result: RunResult, description?: string): Promise<void> {
    if (!this.deployment) return
    await this.setStatus(
      this.deployment.id,
      deploymentState(result),
      description ?? `rolling-deploy ${result}`
    )
  }

  /** Sets a status on a deployment by id (the post step's path after a cancel). */
  async setStatus(id: number, state: DeploymentState, description?: string): Promise<boolean> {
    const repo = repository(this.env)
    const api = this.api()
    if (!repo || !api) return false
    try {
      await api.createDeploymentStatus({
        ...repo,
        deployment_id: id,
        state,
        log_url: runLogUrl(this.env),
        description: description === undefined ? undefined : clip(description)
      })
      return true
    } catch (err) {
      this.failed(err, state)
      return false
    }
  }

  private api(): DeploymentsApi | undefined {
    if (this.options.api) return this.options.api
    if (!this.options.token) {
      this.warn(
        `rolling-deploy: no GitHub deployment recorded for environment "${this.options.environment}": the github-token input is empty. The deploy goes on.`
      )
      return undefined
    }
    try {
      this.options.api = octokitDeployments(this.options.token)
      return this.options.api
    } catch (err) {
      this.failed(err, 'create')
      return undefined
    }
  }

  private failed(err: unknown, what: string): void {
    const status = httpStatus(err)
    const env = this.options.environment
    const step =
      what === 'create'
        ? 'record a GitHub deployment'
        : `set the GitHub deployment status "${what}"`
    if (status === 403 || status === 404) {
      this.warn(
        `rolling-deploy could not ${step} for environment "${env}": the github-token was refused (HTTP ${status}: ${errorText(err)}). ` +
          'The deploy itself goes on. To record deployments, give the job the deployments: write permission, e.g.\n\n' +
          PERMISSIONS_HINT +
          '\n\nA permissions: block replaces the defaults: list every permission the job needs.'
      )
    } else {
      this.warn(
        `rolling-deploy could not ${step} for environment "${env}"${status ? ` (HTTP ${status})` : ''}: ${errorText(err)}. The deploy itself goes on.`
      )
    }
  }

  private warn(message: string): void {
    if (this.warned) return
    this.warned = true
    this.warnFn(message)
  }
}

function repository(env: NodeJS.ProcessEnv): { owner: string; repo: string } | undefined {
  const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo || rest.length > 0) return undefined
  return { owner, repo }
}

/**
 * Starts the deployment for a run, or does nothing: no `environment`, or a dry run (a plan is not
 * a deployment, and a pull-request check must not mark the environment as deployed).
 */
export async function startDeployment(
  settings: { environment?: string; githubToken?: string; dryRun: boolean; targetGroups: string[] },
  options: Partial<DeploymentOptions> = {}
): Promise<GitHubDeployment | undefined> {
  if (!settings.environment || settings.dryRun) return undefined
  const deployment = new GitHubDeployment({
    environment: settings.environment,
    token: settings.githubToken,
    description: `rolling-deploy to ${settings.targetGroups.join(', ')}`,
    ...options
  })
  await deployment.start()
  return deployment
}

/**
 * The post step's half: after a cancelled or crashed main step, marks the deployment it saved
 * (`journal.deploymentId`) as failed. Warns at most once, never throws.
 */
export async function finishDeployment(
  id: number,
  state: DeploymentState,
  options: Omit<DeploymentOptions, 'environment'> & { environment?: string }
): Promise<boolean> {
  const deployment = new GitHubDeployment({
    ...options,
    environment: options.environment ?? '(saved deployment)'
  })
  return deployment.setStatus(
    id,
    state,
    options.description ?? 'rolling-deploy cancelled: see the post step'
  )
}
