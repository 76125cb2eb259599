// Runs a node script (src/haproxy/node-script.ts) the way AWS-RunShellScript runs it on a node:
// the script text as one shell script, its standard output collected whole. The SSM documentation
// (AWS-RunShellScript, "Running commands using Systems Manager Run Command") is silent on which
// shell runs it, so the scripts are POSIX sh and run here under `sh -c`. What SSM keeps of the
// output is the FIRST 24,000 characters (GetCommandInvocation, StandardOutputContent:
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetCommandInvocation.html);
// tests compare the output's length with that limit themselves.

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
