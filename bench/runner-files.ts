// The runner's file commands (outputs, state, summary, env, path), as empty files in `dir`: what
// a benchmark needs to start dist/index.js the way the GitHub runner starts it.

import { writeFileSync } from 'node:fs'
import path from 'node:path'

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
