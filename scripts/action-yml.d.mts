// Types of scripts/action-yml.mjs, for the TypeScript tests that import it.

export interface ActionInput {
  description: string
  required: boolean
  /** absent when action.yml gives no default */
  default?: string
}

export interface ActionOutput {
  description: string
}

export interface ActionYml {
  name: string
  description: string
  inputs: Record<string, ActionInput>
  outputs: Record<string, ActionOutput>
  runs: { using: string; main?: string; post?: string; 'post-if'?: string; [key: string]: unknown }
}

export function readActionYml(root?: string): ActionYml

export function inputDefaults(options?: {
  githubToken?: string
  root?: string
}): Record<string, string>
