// The action's live data stays small (about 20 MB at 10,000 hosts), but parsing AWS answers
// allocates fast, and V8 answers a fast allocator by growing its young generation towards its
// maximum (two 64 MB semi-spaces on Node 24 with a large heap limit): at 10,000 hosts that was
// most of the action's resident memory. Keeping the young generation at its starting size costs
// more frequent scavenges, which are cheap next to the rollout's waits.
//
// `runs.using: node24` starts `node dist/index.js` with no flags, so this is set at start-up. V8
// reads this flag whenever it would grow the young generation, so setting it late still holds;
// it is imported first (see index.ts) so that little has been allocated before.

import v8 from 'node:v8'

v8.setFlagsFromString('--semi-space-growth-factor=1')
