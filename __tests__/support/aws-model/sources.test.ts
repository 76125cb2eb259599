import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SOURCES } from './sources.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const read = (name: string): string => readFileSync(path.join(here, name), 'utf8')
const modules = ['settings.ts', 'target-health.ts', 'data-plane.ts', 'invocations.ts']
  .map(read)
  .join('\n')

describe('the pages the model follows', () => {
  it.each(Object.keys(SOURCES))('%s is cited by a module and linked from README.md', (key) => {
    expect(modules).toContain(key)
    const url = SOURCES[key as keyof typeof SOURCES].url.split('#')[0]!
    expect(read('README.md')).toContain(url)
  })
})
