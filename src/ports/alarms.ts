// The alarms port: what the rollout asks of CloudWatch alarms. Type-only module: no test file.

/** What DescribeAlarms says about the alarms named by the `alarms` input. */
export interface AlarmStatus {
  /** Named alarms currently in ALARM. */
  firing: string[]
  /** Named alarms that do not exist (DescribeAlarms returns only existing ones). */
  missing: string[]
}

/** CloudWatch alarms named by the `alarms` input. */
export interface AlarmSource {
  /** The named alarms currently in ALARM (an alarm that does not exist is not firing). */
  firing(alarmNames: string[]): Promise<string[]>
  /** Firing and missing alarms in one read; without it, existence cannot be checked. */
  describe?(alarmNames: string[]): Promise<AlarmStatus>
}
