// What the one warning says when GitHub refuses or fails a deployment call: a refused token
// (HTTP 403/404) gets the permissions block to add; anything else gets the error, one line.

export const PERMISSIONS_HINT = [
  'permissions:',
  '  deployments: write',
  '  contents: read',
  '  id-token: write   # only if AWS credentials come from OIDC (configure-aws-credentials)'
].join('\n')

function httpStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.split('\n')[0]!.slice(0, 300)
}

/** The warning for a failed call; `what` is 'create' or the deployment state being set. */
export function failureWarning(err: unknown, what: string, environment: string): string {
  const status = httpStatus(err)
  const step =
    what === 'create' ? 'record a GitHub deployment' : `set the GitHub deployment status "${what}"`
  if (status === 403 || status === 404) {
    return (
      `rolling-deploy could not ${step} for environment "${environment}": the github-token was refused (HTTP ${status}: ${errorText(err)}). ` +
      'The deploy itself goes on. To record deployments, give the job the deployments: write permission, e.g.\n\n' +
      PERMISSIONS_HINT +
      '\n\nA permissions: block replaces the defaults: list every permission the job needs.'
    )
  }
  return `rolling-deploy could not ${step} for environment "${environment}"${status ? ` (HTTP ${status})` : ''}: ${errorText(err)}. The deploy itself goes on.`
}
