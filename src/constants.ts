// Names shared with action.yml and the GitHub runner: one place so they never drift.

export const Input = {
  TargetGroups: 'target-groups',
  Command: 'command',
  Document: 'document',
  DocumentParameters: 'document-parameters',
  BatchSize: 'batch-size',
  CanaryWait: 'canary-wait',
  HealthPath: 'health-path',
  HealthPort: 'health-port',
  HealthTimeout: 'health-timeout',
  ExpectedVersion: 'expected-version',
  MaxFailures: 'max-failures',
  MinHealthyPercent: 'min-healthy-percent',
  SkipUnhealthy: 'skip-unhealthy',
  DrainTimeout: 'drain-timeout',
  MinDrain: 'min-drain',
  CommandTimeout: 'command-timeout',
  OnFailure: 'on-failure',
  RollbackCommand: 'rollback-command',
  Alarms: 'alarms',
  Lock: 'lock',
  DryRun: 'dry-run',
  Environment: 'environment',
  GithubToken: 'github-token',
  AwsRegion: 'aws-region'
} as const

export const Output = {
  Result: 'result',
  Deployed: 'deployed',
  Failed: 'failed',
  Skipped: 'skipped',
  Pending: 'pending',
  Report: 'report',
  ReportFile: 'report-file'
} as const

/** Keys saved with core.saveState for the post step. */
export const State = {
  IsPost: 'isPost',
  /** Path of the journal file (RUNNER_TEMP) the post step reads. */
  Journal: 'journal'
} as const

export const USER_AGENT = 'rolling-deploy/1.0'
