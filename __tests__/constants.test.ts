// The input and output names the code reads and writes are exactly the ones action.yml declares
// (SPEC.md fixes them): a name typed differently in one place would read an empty input or set
// an output no workflow can see.

import { test, expect } from '@jest/globals'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { readActionYml } from './support/action-yml.js'
import { Input, Output, State } from '../src/constants.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const yml = readActionYml(ROOT)
const sorted = (names: Iterable<string>) => [...names].sort()

test('Input names every input of action.yml, and nothing else', () => {
  expect(Object.keys(yml.inputs).length).toBeGreaterThan(0)
  expect(sorted(Object.values(Input))).toEqual(sorted(Object.keys(yml.inputs)))
})

test('Output names every output of action.yml, and nothing else', () => {
  expect(Object.keys(yml.outputs).length).toBeGreaterThan(0)
  expect(sorted(Object.values(Output))).toEqual(sorted(Object.keys(yml.outputs)))
})

test('the saved-state keys are distinct (the post step tells its state apart)', () => {
  const keys = Object.values(State)
  expect(new Set(keys).size).toBe(keys.length)
})
