#!/usr/bin/env node
// After ncc: make dist/index.js.map the same wherever node_modules really lives. ncc writes each
// source relative to dist/ after following symlinks, so a checkout whose node_modules is a link
// (a git worktree sharing one install) would commit other paths than CI's clean clone builds,
// and check-dist would fail on a map that maps the same code.

import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const MAP = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js.map')
const map = JSON.parse(readFileSync(MAP, 'utf8'))
map.sources = map.sources.map((s) => {
  const at = s.indexOf('node_modules/')
  return at < 0 ? s : `../${s.slice(at)}`
})
writeFileSync(MAP, JSON.stringify(map))
