// An error nothing caught ends the step with one ::error carrying its stack, instead of Node's
// default print of the offending bundle line (tens of kilobytes of minified code) on stderr.
//
// The stack names src/ files: the bundle ships dist/index.js.map, read here only when a crash
// happens. Turning Node's own source-map support on at start-up (process.setSourceMapsEnabled)
// does the same but parses the maps on every start, measured at about 80 ms of CPU per run
// (Node 24); a crash is rare, a start is every run.
//
// Imported first by index.ts: the handlers are in place before the rest of the bundle runs.

import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { endingSummary, writeJobSummarySync } from './finish.js'

const maps = new Map<string, SourceMap | undefined>()

function sourceMapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))))
    } catch {
      maps.set(file, undefined)
    }
  }
  return maps.get(file)
}

/** `file:///…/dist/index.js:3:23533` → `/…/src/main.ts:39:5` where the bundle's map knows it. */
export function mapStack(stack: string): string {
  return stack.replace(
    /((?:file:\/\/)?\/[^\s()]+\.js):(\d+):(\d+)/g,
    (frame, where: string, line: string, column: string) => {
      const file = where.startsWith('file:') ? fileURLToPath(where) : where
      const entry = sourceMapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1)
      if (!entry || !('originalSource' in entry) || !entry.originalSource) return frame
      const source = path.resolve(path.dirname(file), entry.originalSource)
      return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
    }
  )
}

/** The text of the one annotation: the stack when there is one (it starts with the message). */
export function crashMessage(err: unknown): string {
  const text =
    err instanceof Error ? mapStack(err.stack ?? `${err.name}: ${err.message}`) : String(err)
  return `rolling-deploy crashed (a bug: please report it with this stack): ${text}`
}

let reported = false

/** Reports the first crash and exits 1; the post step (post-if: always()) still runs after it. */
export function crash(err: unknown): void {
  if (!reported) {
    reported = true
    const message = crashMessage(err)
    core.setFailed(message)
    writeJobSummarySync(
      endingSummary(
        message,
        'unknown to this step: the post step restores what the run changed and says so in its log'
      )
    )
  }
  process.exit(1)
}

process.on('uncaughtException', crash)
process.on('unhandledRejection', crash)
