"""ELB timing rules for rd_moto: the Python twin of __tests__/support/aws-model (TypeScript).

Test-only. Each rule names the public page it follows (the table in README.md links them):

* A registered target is `healthy` after ONE passing health check and `initial` until then
  ("After your target is registered, it must pass one health check to be considered healthy",
  "Health checks for Application Load Balancer target groups"; NLB troubleshooting: "Your target is
  not in service until it passes one health check").
* When the first check comes after RegisterTargets is NOT documented; checks run every
  HealthCheckIntervalSeconds, so the model puts the first one within one interval, at a phase the
  seed picks (a whole interval by default, or random with a seed).
* `unhealthy` after UnhealthyThresholdCount consecutive failures; back to `healthy` only after
  HealthyThresholdCount consecutive passes (same ALB page).
* Reason codes from the TargetHealth API reference: Elb.RegistrationInProgress before the first
  check, Elb.InitialHealthChecking once checks have started without a verdict (which of the two
  shows when is not documented: an interpretation), Target.ResponseCodeMismatch / Target.Timeout
  (ALB only, "Applies only to Application Load Balancers"), Target.FailedHealthChecks.
* `draining` for the whole deregistration delay ("the status of the target is displayed as
  draining until the deregistration delay timeout expires", ALB "Deregistration delay"); NLB adds
  the time the deregistration takes to propagate ("It can take a few minutes for the
  deregistration process to complete", NLB "Register targets"; about 2 minutes with a 5 s delay in
  kubernetes-sigs/aws-load-balancer-controller#3270).
* NLB health checks start once the registration has propagated ("It can take a few minutes for
  the registration process to complete and health checks to start", NLB health checks page).
* New requests still reach a deregistered target that was in service for a window: not in AWS's
  pages; measured by users at 15-20 s on ALB and about 2 minutes on NLB
  (kubernetes-sigs/aws-load-balancer-controller#2366, #1064, #1719; aws/containers-roadmap#470).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


@dataclass
class GroupTiming:
    kind: str = "alb"  # "alb" | "nlb"
    interval: float = 1.0
    healthy_threshold: int = 2
    unhealthy_threshold: int = 2
    timeout: float = 1.0
    # seconds after the registration (after its propagation) of the first check; None = a whole
    # interval; "random" = uniform in (0, interval] from `rng`
    first_check_phase: Any = None
    registration_propagation: float = 0.0
    deregistration_propagation: float = 0.0
    new_request_window: float = 0.0
    connection_termination: bool = False
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def first_check_at(self, registered_at: float) -> float:
        phase = self.first_check_phase
        if phase == "random":
            phase = self.rng.uniform(0.0, self.interval) or self.interval
        elif phase is None:
            phase = self.interval
        phase = min(max(float(phase), 0.0), self.interval)
        return registered_at + self.registration_propagation + phase

    def draining_for(self, delay: float) -> float:
        return self.deregistration_propagation + delay

    def failure(self, code: int | None, err: str) -> tuple[str, str]:
        """(reason, description) of a failed check, per the TargetHealth API reference."""
        if self.kind == "nlb":
            detail = f"Health checks failed with these codes: [{code}]" if code is not None else f"Health checks failed ({err})"
            return "Target.FailedHealthChecks", detail
        if code is not None:
            return "Target.ResponseCodeMismatch", f"Health checks failed with these codes: [{code}]"
        return "Target.Timeout", f"Request timed out ({err})"


def apply_check(reg: Any, timing: GroupTiming, passed: bool, code: int | None, err: str) -> None:
    """One health-check result on a registration (`state`, `passes`, `fails`, `set()`)."""
    if passed:
        reg.fails = 0
        reg.passes += 1
        # one pass turns a new target healthy; an unhealthy one needs HealthyThresholdCount
        if reg.state == "initial" or (reg.state == "unhealthy" and reg.passes >= timing.healthy_threshold):
            reg.set("healthy")
        return
    reg.passes = 0
    reg.fails += 1
    reason, description = timing.failure(code, err)
    if reg.fails >= timing.unhealthy_threshold:
        if reg.state != "unhealthy" or reg.reason != reason:
            reg.set("unhealthy", reason, description)
    elif reg.state == "initial":
        reg.set("initial", "Elb.InitialHealthChecking", "Initial health checks in progress")
