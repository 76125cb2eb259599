// The bundle's entry. One bundle serves both steps: the runner calls it again as the post step,
// with the state the main step saved.

import './entry/crash.js'
import './heap.js'
import * as core from '@actions/core'
import { State } from './constants.js'
import { run } from './main.js'
import { post } from './post.js'

void (core.getState(State.IsPost) === 'true' ? post() : run())
