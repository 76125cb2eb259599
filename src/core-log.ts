// The rollout's Log on the GitHub runner: plain lines, annotations, collapsible groups.

import * as core from '@actions/core'
import type { Log } from './ports/log.js'

export const coreLog: Log = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  group: (name, fn) => core.group(name, fn)
}
