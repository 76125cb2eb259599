// The bundle's entry, kept tiny. Node maps stack frames only for code loaded after source maps
// are turned on, so the action itself (entry/start.ts) is a separate chunk of the bundle loaded
// by the dynamic import below, after setSourceMapsEnabled: a crash then prints a stack into
// src/ files (dist/*.map ship with the bundle) rather than into minified dist/ code.

import * as core from '@actions/core'
import { State } from './constants.js'
import { crash, reportCrashes } from './entry/crash.js'

process.setSourceMapsEnabled(true)
reportCrashes()
// Saved before anything can crash, so that the post step runs as the post step. main.ts saves it
// too; reading the state back happens through STATE_isPost, which only the post step has.
if (core.getState(State.IsPost) !== 'true') core.saveState(State.IsPost, 'true')
import('./entry/start.js').catch(crash)
