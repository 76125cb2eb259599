// A crash is reported as one annotation whose stack names src/ files, read through the bundle's
// source map. (The whole path, a real crash of dist/index.js on Node 24, is dist/crash.test.ts.)

import { describe, it, expect, afterAll } from '@jest/globals'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { crash, crashMessage, mapStack } from '../../src/entry/crash.js'

// Importing the module installs its process handlers; the test runner keeps its own.
afterAll(() => {
  process.removeListener('uncaughtException', crash)
  process.removeListener('unhandledRejection', crash)
})

/** A bundle whose map sends line 1, column 1 to ../src/main.ts line 10, column 5. */
function bundleWithMap(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'rd-crash-')), 'dist')
  mkdirSync(dir)
  const file = path.join(dir, 'index.js')
  writeFileSync(file, 'throw new Error("x")\n')
  // One segment [generated column 0, source 0, line 9, column 4] in base64 VLQ: A A A S I.
  const map = {
    version: 3,
    file: 'index.js',
    sources: ['../src/main.ts'],
    names: [],
    mappings: 'AASI'
  }
  writeFileSync(`${file}.map`, JSON.stringify(map))
  return file
}

describe('mapStack', () => {
  const file = bundleWithMap()
  const src = path.resolve(path.dirname(file), '../src/main.ts')

  it('turns bundle frames into source frames, as a path or as a file URL', () => {
    expect(mapStack(`Error: x\n    at run (${file}:1:1)`)).toBe(
      `Error: x\n    at run (${src}:10:5)`
    )
    expect(mapStack(`    at ${pathToFileURL(file).href}:1:1`)).toBe(`    at ${src}:10:5`)
  })

  it('leaves a frame as it was when no map knows it', () => {
    const frame = `    at x (${path.join(tmpdir(), 'no-such-bundle.js')}:3:7)`
    expect(mapStack(frame)).toBe(frame)
  })
})

describe('crashMessage', () => {
  it('says it is a bug to report, with the stack', () => {
    const err = new TypeError('cannot read x')
    err.stack = 'TypeError: cannot read x\n    at f (node:internal/x:1:1)'
    expect(crashMessage(err)).toBe(
      'rolling-deploy crashed (a bug: please report it with this stack): TypeError: cannot read x\n    at f (node:internal/x:1:1)'
    )
  })

  it('prints a thrown non-Error as it is', () => {
    expect(crashMessage('boom')).toBe(
      'rolling-deploy crashed (a bug: please report it with this stack): boom'
    )
  })
})
