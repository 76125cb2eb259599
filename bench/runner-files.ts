// The runner's file commands (outputs, state, summary, env, path), as empty files in `dir`: what
// a benchmark needs to start dist/index.js the way the GitHub runner starts it.

import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { actionDefaults, inputEnvName } from '../__tests__/e2e/harness.js'

const FILE_COMMANDS = [
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_ENV',
  'GITHUB_PATH'
]

export function runnerFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of FILE_COMMANDS) {
    files[name] = path.join(dir, name.toLowerCase())
    writeFileSync(files[name], '')
  }
  return files
}

/**
 * The environment the runner gives dist/index.js: the file commands in `dir` (as runnerFiles),
 * RUNNER_TEMP there, AWS pointed at `endpointUrl`, and `inputs` over the action's defaults.
 */
export function actionEnv(
  dir: string,
  endpointUrl: string,
  inputs: Record<string, string>,
  files = runnerFiles(dir)
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: dir,
    AWS_ENDPOINT_URL: endpointUrl,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...files
  }
  for (const [k, v] of Object.entries({ ...actionDefaults(), ...inputs })) env[inputEnvName(k)] = v
  return env
}
