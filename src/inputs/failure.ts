// What happens when hosts fail: on-failure, rollback-command and the CloudWatch alarms watched.

import { Input } from '../constants.js'
import type { OnFailure } from '../settings.js'
import { show, type Fail } from './errors.js'
import { splitList, unique } from './text.js'

const MAX_ALARM_NAME = 255

export function parseOnFailure(raw: string, fail: Fail): OnFailure {
  const name = Input.OnFailure
  const word = raw.toLowerCase()
  if (word === '' || word === 'halt') return 'halt'
  if (word === 'rollback') return 'rollback'
  fail(name, raw, `${name} ${show(raw)} is invalid: use halt or rollback`)
  return 'halt'
}

/** The rollback script as given (lines and all), undefined when blank; rollback needs one. */
export function parseRollbackCommand(
  raw: string,
  onFailure: OnFailure,
  fail: Fail
): string | undefined {
  const rollbackCommand = raw.trim() === '' ? undefined : raw
  if (onFailure === 'rollback' && rollbackCommand === undefined) {
    fail(
      Input.RollbackCommand,
      '',
      `${Input.RollbackCommand} is empty but ${Input.OnFailure} is rollback: set ` +
        `${Input.RollbackCommand} to the script that restores the previous release, or use ` +
        `${Input.OnFailure}: halt`
    )
  }
  return rollbackCommand
}

export function parseAlarms(raw: string, fail: Fail): string[] {
  const name = Input.Alarms
  const alarms = unique(splitList(raw))
  for (const alarm of alarms) {
    if (Array.from(alarm).length > MAX_ALARM_NAME) {
      fail(
        name,
        raw,
        `${name} entry ${show(alarm)} is longer than ${MAX_ALARM_NAME} characters: use alarm ` +
          'names as CloudWatch shows them (at most 255 characters), separated by commas or newlines'
      )
    }
  }
  return alarms
}
