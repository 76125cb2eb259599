"""rd_moto's EC2 Auto Scaling additions (test-only). rd_moto.py calls install() once at import.

What stock moto 5.2.1 already does and is kept: groups, launch configurations, SetDesiredCapacity
(launches or terminates EC2 instances), AttachInstances, SuspendProcesses/ResumeProcesses,
SetInstanceProtection (scale-in skips protected instances), DescribeAutoScalingGroups/Instances.

What this module adds, each after the AWS page named:

* Instances a group owns are rd_moto fake hosts. A group registers an instance in its target
  groups once, when the instance joins it (launch or AttachInstances), unless AddToLoadBalancer is
  suspended: "AddToLoadBalancer – Adds instances to the attached load balancer target group … when
  they are launched" (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-suspend-resume-processes.html);
  "If there are target groups attached to your Auto Scaling group, the instances are also registered
  with the target groups" (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AttachInstances.html).
  It never registers them again later, so a host the rollout deregistered stays out. (moto instead
  re-registers every member on each capacity change, into its own target model, which rd_moto does
  not read.) A launched instance gets a new fake host running the group's seeded version (the launch
  template's, not the release being rolled out) and starts `initial` like any RegisterTargets.
  Deviation: it is registered on its own loopback port, not the target group's port, since every
  fake host listens on its own port.
* An instance terminated by any path (scale-in, TerminateInstanceInAutoScalingGroup, EC2
  TerminateInstances) leaves every target group at once (AWS deregisters it first and waits the
  deregistration delay; here the delay is taken as zero), its app stops, its running commands are
  killed, and SSM answers InvalidInstanceId for it (rd_moto's SendCommand knows only live hosts).
* Instance refreshes, absent from moto: StartInstanceRefresh
  (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html: error
  InstanceRefreshInProgress when one is active), CancelInstanceRefresh
  (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CancelInstanceRefresh.html: error
  ActiveInstanceRefreshNotFound), DescribeInstanceRefreshes
  (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeInstanceRefreshes.html:
  AutoScalingGroupName required, InstanceRefreshIds filter, MaxRecords default 50 and at most 100,
  NextToken; the order is not documented, newest first here). Statuses are those of
  https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html. A refresh here
  replaces no instance: it starts InProgress and stays in the status the admin route sets;
  cancelling ends it Cancelled at once (AWS passes through Cancelling).
* Known gap: moto launches a replacement for a terminated member even while HealthCheck or
  ReplaceUnhealthy is suspended (AWS would not replace it until they resume).

Admin routes (JSON): POST /_rd/asg/seed, POST /_rd/asg/refresh, GET /_rd/asg/state (see README.md).
"""

from __future__ import annotations

import base64
import os
import time
import uuid
from typing import Any
from xml.sax.saxutils import escape

from moto.autoscaling.models import AutoScalingBackend, autoscaling_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models.instances import InstanceBackend

AS_NS = "http://autoscaling.amazonaws.com/doc/2011-01-01/"
ACTIVE = ("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking")
STATUSES = ACTIVE + ("Successful", "Failed", "Cancelled", "RollbackFailed", "RollbackSuccessful")


class State:
    def __init__(self) -> None:
        self.mod: Any = None  # the rd_moto module
        self.emu: Any = None  # its Emulator
        self.clear()

    def clear(self) -> None:
        self.refreshes: dict[str, list[dict[str, Any]]] = {}  # group -> refreshes, newest first
        self.versions: dict[str, str] = {}  # group -> version its launch template boots
        self.joined: dict[str, set[str]] = {}  # group -> instances it has registered once
        self.launched: list[dict[str, str]] = []  # fake hosts created for launched instances
        self.terminated: list[str] = []


STATE = State()


# ------------------------------------------------------------------------------ hooks into moto
def install(mod: Any) -> None:
    """Wires this module into rd_moto (called once, at rd_moto's import)."""
    STATE.mod = mod
    init, reset, admin = mod.Emulator.__init__, mod.Emulator.reset, mod.admin

    def emulator_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        STATE.emu = self

    def emulator_reset(self: Any) -> None:
        reset(self)
        with mod.LOCK:
            STATE.clear()

    def admin_routes(emu: Any, method: str, path: str, body: dict[str, Any]) -> Any:
        if path.startswith("/_rd/asg/"):
            return asg_admin(emu, method, path.rstrip("/"), body)
        return admin(emu, method, path, body)

    mod.Emulator.__init__ = emulator_init
    mod.Emulator.reset = emulator_reset
    mod.admin = admin_routes
    mod.HANDLERS.update(
        {
            ("autoscaling", "StartInstanceRefresh"): start_instance_refresh,
            ("autoscaling", "CancelInstanceRefresh"): cancel_instance_refresh,
            ("autoscaling", "DescribeInstanceRefreshes"): describe_instance_refreshes,
        }
    )

    update_elbs = AutoScalingBackend.update_attached_elbs
    terminate = InstanceBackend.terminate_instances

    def update_attached_target_groups(self: AutoScalingBackend, group_name: str) -> None:
        sync_group(self, group_name)

    def update_attached_elbs(self: AutoScalingBackend, group_name: str) -> None:
        # moto calls only this one after launching a replacement for a terminated member
        update_elbs(self, group_name)
        sync_group(self, group_name)

    def terminate_instances(self: Any, instance_ids: list[str]) -> Any:
        result = terminate(self, instance_ids)
        on_terminated(instance_ids)
        return result

    AutoScalingBackend.update_attached_target_groups = update_attached_target_groups  # type: ignore[method-assign]
    AutoScalingBackend.update_attached_elbs = update_attached_elbs  # type: ignore[method-assign]
    InstanceBackend.terminate_instances = terminate_instances  # type: ignore[method-assign]


def sync_group(backend: AutoScalingBackend, group_name: str) -> None:
    """Registers the instances that joined the group since last time (once each)."""
    mod, emu = STATE.mod, STATE.emu
    group = backend.autoscaling_groups.get(group_name)
    if group is None or emu is None:
        return
    region = backend.region_name
    suspended = {p["ProcessName"] for p in group.suspended_processes}
    with mod.LOCK:
        joined = STATE.joined.setdefault(group_name, set())
        for state in list(group.instance_states):
            iid = state.instance.id
            if iid in joined or state.instance.state == "terminated":
                continue
            joined.add(iid)
            host = emu.hosts.get(iid) or adopt(group, state.instance)
            if "AddToLoadBalancer" in suspended:
                continue
            for arn in group.target_group_arns:
                tg = emu.tg(region, arn)
                host.status_path = tg.health_check_path or host.status_path
                emu.register(region, arn, [{"Id": iid, "Port": str(host.port)}])


def adopt(group: Any, instance: Any) -> Any:
    """A fake host for an instance the group launched, booting the group's seeded version."""
    mod, emu = STATE.mod, STATE.emu
    iid = instance.id
    directory = os.path.join(emu.data_dir, iid)
    os.makedirs(directory, exist_ok=True)
    version = STATE.versions.get(group.name, "v1")
    with open(os.path.join(directory, "version"), "w", encoding="utf-8") as f:
        f.write(version)
    index = max((h.index for h in emu.hosts.values()), default=-1) + 1
    host = mod.Host(iid, index, directory, instance.private_ip or f"10.0.1.{index % 250 + 2}")
    host.start_app()
    emu.hosts[iid] = host
    STATE.launched.append({"instanceId": iid, "group": group.name, "version": version})
    return host


def on_terminated(instance_ids: list[str]) -> None:
    mod, emu = STATE.mod, STATE.emu
    if emu is None:
        return
    with mod.LOCK:
        for iid in instance_ids:
            host = emu.hosts.pop(iid, None)
            if host is None:
                continue
            for regs in emu.regs.values():
                for key in [k for k, r in regs.items() if r.instance_id == iid]:
                    del regs[key]
            for cmd in emu.commands.values():
                inv = cmd.invocations.get(iid)
                if inv is not None and not inv.done:
                    inv.cancel_requested = True
                    mod.kill_proc(inv.proc)
            host.stop_app()
            STATE.terminated.append(iid)


# ------------------------------------------------------------------------------ instance refreshes
def xml(action: str, result: str) -> tuple[int, dict[str, str], bytes]:
    body = (
        f'<{action}Response xmlns="{AS_NS}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>"
    )
    return 200, {"Content-Type": "text/xml"}, body.encode()


def members(params: dict[str, str], name: str) -> list[str]:
    keys = sorted((int(k.rsplit(".", 1)[1]), v) for k, v in params.items() if k.startswith(f"{name}.member."))
    return [v for _, v in keys]


def group_or_error(region: str, name: str) -> Any:
    group = autoscaling_backends[DEFAULT_ACCOUNT_ID][region].autoscaling_groups.get(name)
    if group is None:
        raise STATE.mod.ApiError("ValidationError", f"AutoScalingGroup name not found - {name}")
    return group


def active_refresh(name: str) -> dict[str, Any] | None:
    return next((r for r in STATE.refreshes.get(name, []) if r["status"] in ACTIVE), None)


def new_refresh(group: Any, status: str) -> dict[str, Any]:
    refresh = {
        "id": str(uuid.uuid4()),
        "group": group.name,
        "status": status,
        "start": time.time(),
        "end": None if status in ACTIVE else time.time(),
        "toUpdate": len(group.instance_states),
    }
    STATE.refreshes.setdefault(group.name, []).insert(0, refresh)
    return refresh


def start_instance_refresh(emu: Any, params: dict[str, str], region: str) -> Any:
    name = params.get("AutoScalingGroupName", "")
    group = group_or_error(region, name)
    if active_refresh(name):
        raise STATE.mod.ApiError("InstanceRefreshInProgress", f"An Instance Refresh is already in progress for {name}")
    refresh = new_refresh(group, "InProgress")
    return xml("StartInstanceRefresh", f"<InstanceRefreshId>{refresh['id']}</InstanceRefreshId>")


def cancel_instance_refresh(emu: Any, params: dict[str, str], region: str) -> Any:
    name = params.get("AutoScalingGroupName", "")
    group_or_error(region, name)
    refresh = active_refresh(name)
    if refresh is None:
        raise STATE.mod.ApiError("ActiveInstanceRefreshNotFound", f"No in progress or pending Instance Refresh found for {name}")
    refresh["status"], refresh["end"] = "Cancelled", time.time()
    return xml("CancelInstanceRefresh", f"<InstanceRefreshId>{refresh['id']}</InstanceRefreshId>")


def describe_instance_refreshes(emu: Any, params: dict[str, str], region: str) -> Any:
    name = params.get("AutoScalingGroupName", "")
    if not name:
        raise STATE.mod.ApiError("ValidationError", "AutoScalingGroupName is required")
    size = int(params.get("MaxRecords") or 50)
    if not 1 <= size <= 100:
        raise STATE.mod.ApiError("ValidationError", "MaxRecords must be between 1 and 100")
    wanted = set(members(params, "InstanceRefreshIds"))
    items = [r for r in STATE.refreshes.get(name, []) if not wanted or r["id"] in wanted]
    start = int(base64.b64decode(params["NextToken"]).decode()) if params.get("NextToken") else 0
    chunk = items[start : start + size]
    out = "".join(
        "<member>"
        f"<InstanceRefreshId>{r['id']}</InstanceRefreshId>"
        f"<AutoScalingGroupName>{escape(r['group'])}</AutoScalingGroupName>"
        f"<Status>{r['status']}</Status>"
        f"<StartTime>{STATE.mod.iso(r['start'])}</StartTime>"
        + (f"<EndTime>{STATE.mod.iso(r['end'])}</EndTime>" if r["end"] else "")
        + f"<PercentageComplete>{100 if r['status'] == 'Successful' else 0}</PercentageComplete>"
        f"<InstancesToUpdate>{0 if r['status'] == 'Successful' else r['toUpdate']}</InstancesToUpdate>"
        "</member>"
        for r in chunk
    )
    token = ""
    if start + size < len(items):
        token = f"<NextToken>{base64.b64encode(str(start + size).encode()).decode()}</NextToken>"
    return xml("DescribeInstanceRefreshes", f"<InstanceRefreshes>{out}</InstanceRefreshes>{token}")


# ------------------------------------------------------------------------------ admin routes
def asg_admin(emu: Any, method: str, path: str, body: dict[str, Any]) -> Any:
    mod = STATE.mod
    if (method, path) == ("POST", "/_rd/asg/seed"):
        return seed(emu, body)  # outside LOCK: it calls moto through HTTP, whose hooks take LOCK
    with mod.LOCK:
        if (method, path) == ("POST", "/_rd/asg/refresh"):
            return set_refresh(body)
        if (method, path) == ("GET", "/_rd/asg/state"):
            return {
                "refreshes": STATE.refreshes,
                "launched": STATE.launched,
                "terminated": STATE.terminated,
                "versions": STATE.versions,
            }
    raise mod.ApiError("NotFound", f"no admin route {method} {path}", 404)


def seed(emu: Any, body: dict[str, Any]) -> Any:
    """{name, hosts, version, min=0, max=hosts*2, region?, targetGroups (as /_rd/seed)} -> a group
    whose members are fresh fake hosts, registered and healthy in the target groups."""
    mod = STATE.mod
    region = body.get("region") or "us-east-1"
    name = str(body.get("name") or "rd-asg")
    count = int(body.get("hosts") or 2)
    seeded = mod.admin_seed(emu, {**body, "region": region, "hosts": count})
    ids = [h["instanceId"] for h in seeded["hosts"]]
    arns = [tg["arn"] for tg in seeded["targetGroups"]]
    with mod.LOCK:
        STATE.versions[name] = str(body.get("version") or "v1")
    ec2 = mod.boto(emu, "ec2", region)
    asg = mod.boto(emu, "autoscaling", region)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    asg.create_launch_configuration(LaunchConfigurationName=f"{name}-lc", ImageId=image, InstanceType="t3.micro")
    asg.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchConfigurationName=f"{name}-lc",
        MinSize=0,
        MaxSize=int(body.get("max") or count * 2),
        DesiredCapacity=0,
        VPCZoneIdentifier=subnet,
        TargetGroupARNs=arns,
        HealthCheckType="ELB",
    )
    asg.attach_instances(AutoScalingGroupName=name, InstanceIds=ids)
    asg.update_auto_scaling_group(AutoScalingGroupName=name, MinSize=int(body.get("min") or 0))
    return {"group": name, "hosts": seeded["hosts"], "targetGroups": seeded["targetGroups"]}


def set_refresh(body: dict[str, Any]) -> Any:
    """{group, status="InProgress", region?}: sets the newest refresh's status, or starts one."""
    mod = STATE.mod
    status = str(body.get("status") or "InProgress")
    if status not in STATUSES:
        raise mod.ApiError("BadRefresh", f"status must be one of {', '.join(STATUSES)}")
    group = group_or_error(body.get("region") or "us-east-1", str(body.get("group") or ""))
    current = STATE.refreshes.get(group.name, [])
    reuse = current and (current[0]["status"] in ACTIVE or status not in ACTIVE)
    refresh = current[0] if reuse else new_refresh(group, status)
    refresh["status"] = status
    refresh["end"] = None if status in ACTIVE else time.time()
    return refresh
