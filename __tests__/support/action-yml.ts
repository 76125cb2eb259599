// action.yml as the tests read it: one reader (scripts/action-yml.mjs, shared with the demo and
// the benchmark), typed here for TypeScript.

export { inputDefaults, readActionYml } from '../../scripts/action-yml.mjs'
export type { ActionInput, ActionOutput, ActionYml } from '../../scripts/action-yml.mjs'
