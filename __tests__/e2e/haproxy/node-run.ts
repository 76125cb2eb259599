// Runs a node script (src/haproxy/node-script.ts) the way AWS-RunShellScript does on a node: the
// script text given to `sh -c`, its standard output collected (SSM's AWS-RunShellScript document
// runs the commands with sh on Linux; the 24,000-character output limit is checked by the caller).

import { spawn } from 'node:child_process'

export function runNodeScript(
  script: string
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}
