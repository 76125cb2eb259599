// The GitHub deployment recorded for `environment`: created when the rollout starts, set
// `in_progress` with a link to the run, then `success` or `failure` at the end (or from the post
// step after a cancel, through the deployment id the main step saved). Recording it is a courtesy
// to the people watching the environment: it never fails the deploy. A token without
// `deployments: write` gets one warning naming the permissions to add, and nothing else.

import * as core from '@actions/core'
import { runUrl } from '../shared/run-url.js'
import { octokitDeployments, type DeploymentState, type DeploymentsApi } from './octokit.js'
import { failureWarning } from './warnings.js'

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

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length <= DESCRIPTION_MAX ? oneLine : oneLine.slice(0, DESCRIPTION_MAX - 1) + '…'
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
  async finish(state: DeploymentState, description: string): Promise<void> {
    if (!this.deployment) return
    await this.setStatus(this.deployment.id, state, description)
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
        log_url: runUrl(this.env),
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
    this.warn(failureWarning(err, what, this.options.environment))
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
