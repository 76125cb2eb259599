// The one entry point of the compiled benchmarks; scripts/bench.mjs runs each part in its own
// child process and reads the JSON line it prints:
//   node .bench-build/bench/main.js sim <hosts> [seed] [--no-rollout]
//   node .bench-build/bench/main.js sim-checks <hosts> <intervalS> <healthyThreshold> [batch count]
//   node .bench-build/bench/main.js uneven [fastMs] [slowMs]
//   node .bench-build/bench/main.js e2e [hosts] [runs]
//   node .bench-build/bench/main.js memory <hosts>
//   node .bench-build/bench/main.js startup [runs]

import { e2e } from './e2e.js'
import { actionMemory } from './memory.js'
import { simRollout } from './sim-rollout.js'
import { startup } from './startup.js'
import { uneven } from './uneven.js'
import { INHERENT } from './inherent.js'

const [part, a, b, flag] = process.argv.slice(2)
let result: unknown
switch (part) {
  case 'sim':
    result = await simRollout(Number(a ?? 1000), Number(b ?? 1), flag !== '--no-rollout')
    break
  case 'sim-checks': {
    const t = { ...INHERENT, lbIntervalMs: Number(b) * 1000, lbThreshold: Number(flag) }
    const count = process.argv[6]
    const batchSize = count
      ? [{ kind: 'percent' as const, value: Number(count) }]
      : [{ kind: 'percent' as const, value: 10 }]
    result = await simRollout(Number(a ?? 1000), 1, true, t, batchSize)
    break
  }
  case 'uneven':
    result = await uneven(Number(a ?? 5000), Number(b ?? 60000))
    break
  case 'e2e':
    result = await e2e(Number(a ?? 20), Number(b ?? 3))
    break
  case 'memory':
    result = await actionMemory(Number(a ?? 1000))
    break
  case 'startup':
    result = await startup(Number(a ?? 5))
    break
  default:
    throw new Error(`unknown part ${part}: sim | e2e | startup`)
}
process.stdout.write(`${JSON.stringify(result)}\n`)
