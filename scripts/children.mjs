// The child processes a script started (emulator, action runs): stopped when the script ends,
// however it ends, so no moto_server or action outlives `npm run demo` or `npm run bench`.

export const children = new Set()

export function stopChildren() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGTERM')
      } catch {
        // already gone
      }
    }
  }
  children.clear()
}
