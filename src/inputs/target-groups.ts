// target-groups: ARNs or names, checked for form and for the region the client will use.

import { Input } from '../constants.js'
import { show, type Fail } from './errors.js'
import { splitList, unique } from './text.js'

const TG_FORMS =
  'use an ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>) or a ' +
  'name of 1–32 letters, digits and hyphens, not starting or ending with a hyphen'
const TG_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/
const TG_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:targetgroup\/([A-Za-z0-9-]{1,32})\/[A-Za-z0-9]+$/

export function parseTargetGroups(raw: string, region: string | undefined, fail: Fail): string[] {
  const name = Input.TargetGroups
  const entries = unique(splitList(raw))
  if (entries.length === 0) {
    fail(
      name,
      raw,
      `${name} is required: list target group ARNs or names, separated by commas or newlines`
    )
    return []
  }
  for (const entry of entries) {
    const arn = TG_ARN.exec(entry)
    if (arn !== null) {
      const arnRegion = arn[1] ?? ''
      // A client for one region cannot describe a target group of another: say so now, not
      // after a confusing "not found" from AWS.
      if (region !== undefined && arnRegion !== region) {
        fail(
          name,
          raw,
          `${name} entry ${show(entry)} is in region ${arnRegion}, not in aws-region ${region}: ` +
            `set aws-region to ${arnRegion}, or list target groups of one region only`
        )
      } else if (!TG_NAME.test(arn[2] ?? '')) {
        fail(name, raw, `${name} entry ${show(entry)} has an invalid name part: ${TG_FORMS}`)
      }
    } else if (!TG_NAME.test(entry)) {
      fail(
        name,
        raw,
        `${name} entry ${show(entry)} is neither a target group ARN nor a name: ${TG_FORMS}`
      )
    }
  }
  return entries
}
