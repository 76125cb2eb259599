// Runs once before the e2e suite: without python3 and moto the emulator cannot start, and every
// test would print its own Python traceback. Stop here instead, once, with the install hint.

import { motoCheck } from '../../scripts/action-runner.mjs'

export default function globalSetup() {
  const moto = motoCheck()
  if (moto.problem) {
    throw new Error(`The e2e tests run AWS locally with moto_server.\n${moto.problem}`)
  }
}
