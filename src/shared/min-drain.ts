// min-drain's default by kind of load balancer (SPEC step 7.2): one table for the rollout, which
// applies it, and the summary, which shows it. A load balancer keeps routing NEW requests to a
// deregistered target while the change propagates: ALB about 10-20 s (users' measurements,
// aws-load-balancer-controller #1719 and #1064), so 30 s; NLB about 2 minutes (#2366,
// containers-roadmap #470); HAProxy applies a state change at once on each node, so 0. Kinds
// with no measurement (GWLB, other) take the ALB value. See AWS-FACTS.md.

const BY_KIND: Record<string, number> = {
  alb: 30_000,
  nlb: 120_000,
  haproxy: 0
}
const OTHER_MS = 30_000

/** The default min-drain of a host in pools of these kinds: the longest of theirs. */
export function defaultMinDrainMs(kinds: readonly string[]): number {
  return Math.max(0, ...kinds.map((k) => BY_KIND[k] ?? OTHER_MS))
}
