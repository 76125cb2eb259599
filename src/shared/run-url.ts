// The link to this workflow run, used by the lock holder, the journal and the deployment status.
// GITHUB_SERVER_URL is set on every runner; an empty value is treated like an unset one (github.com)
// so a link never starts with "/". https://docs.github.com/en/actions/reference/variables-reference

/** `<server>/<owner>/<repo>/actions/runs/<id>`, or undefined outside GitHub Actions. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
}
