#!/usr/bin/env python3
"""rolling-deploy e2e emulator: moto_server, patched in this process, plus fake hosts.

Test-only. Serves like `moto_server` on one loopback port and adds what stock moto lacks for a
rolling deploy over the real AWS wire protocols:

* SSM Run Command that really runs `AWS-RunShellScript` `commands` on fake hosts (a directory and a
  tiny HTTP app each): SendCommand, ListCommandInvocations, GetCommandInvocation, CancelCommand,
  ListCommands, DescribeInstanceInformation.
* ELBv2 target health read from each fake host's real HTTP health endpoint, on the timing rules of
  rd_elb_model.py (AWS's documented behaviour): `initial` after RegisterTargets until the first
  check (within one interval), then `healthy` after one pass or `unhealthy` after the unhealthy
  threshold; back from `unhealthy` after the healthy threshold; `draining` for the group's
  deregistration delay (plus NLB propagation) after DeregisterTargets, then gone.
* A data-plane stand-in per load balancer (rd_traffic.py) that routes requests where the model
  says the load balancer would, including a deregistered target during the propagation window.
* Fault injection (throttling and other API errors, unhealthy / offline / undeliverable hosts,
  failing deploys), an API call recorder, an invariant recorder (deploy commands reaching hosts
  still registered or draining) and an out-of-service timeline.

Everything else (DescribeTargetGroups, attributes, Parameter Store, CloudWatch alarms, EC2) is stock
moto. The admin API lives under /_rd/ (see README.md in this folder).

Usage: python3 rd_moto.py [--host 127.0.0.1] [--port 0] [--parent-pid PID] [--data-dir DIR]
Prints `rd-moto listening on http://HOST:PORT` on stdout once it accepts requests.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import http.client
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape as xml_escape

import boto3
from botocore.config import Config as BotoConfig
from moto.core import DEFAULT_ACCOUNT_ID
from moto.elbv2.models import elbv2_backends
from moto.moto_api._internal.models import moto_api_backend
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from rd_elb_model import GroupTiming, apply_check
from rd_traffic import Listener, summary

HEALTH_MARKER = "rolling-deploy-health"
ELB_NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
STDOUT_LIMIT = 24_000
STDERR_LIMIT = 8_000
PLUGIN_OUTPUT_LIMIT = 2_500
STOPPED_EXIT_CODE = 137  # what the SSM agent on Linux reports for a timed-out or cancelled script
REGISTERED = ("initial", "healthy", "unhealthy")
READ_ONLY_PREFIXES = ("Describe", "Get", "List", "BatchGet", "Search", "Lookup")
IAM_SERVICE = {"monitoring": "cloudwatch", "elasticloadbalancing": "elasticloadbalancing"}
TARGET_PREFIX_SERVICE = {"AmazonSSM": "ssm", "GraniteServiceVersion20100801": "cloudwatch"}
INTERNAL_HEADER = "HTTP_X_RD_INTERNAL"

LOCK = threading.RLock()


def now() -> float:
    return time.time()


def iso(ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class ApiError(Exception):
    def __init__(self, code: str, message: str, status: int = 400, sender: bool = True):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.sender = sender


# --------------------------------------------------------------------------------------------
# Fake hosts
# --------------------------------------------------------------------------------------------


class Host:
    def __init__(self, instance_id: str, index: int, directory: str, private_ip: str):
        self.instance_id = instance_id
        self.index = index
        self.dir = directory
        self.private_ip = private_ip
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self.status_path = "/_status"
        # faults
        self.offline = False
        self.undeliverable = False
        self.fail_deploy: int | None = None  # exit code of an injected deploy failure
        self.unhealthy_after_deploy = False
        # every target group this host was ever registered in (its "home")
        self.home_tgs: set[str] = set()
        # a deploy command was sent and the host has not been registered since (data-plane record)
        self.deploy_started = False
        self.out_since: float | None = None

    def file(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def version(self) -> str:
        try:
            with open(self.file("version"), encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return ""

    def set_flag_file(self, name: str, on: bool) -> None:
        path = self.file(name)
        if on:
            with open(path, "w", encoding="utf-8") as f:
                f.write("injected by rd_moto\n")
        elif os.path.exists(path):
            os.remove(path)

    def start_app(self) -> None:
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                if os.path.exists(host.file("hang")):
                    time.sleep(10)
                path = self.path.split("?", 1)[0]
                version = host.version()
                if path == host.status_path:
                    if os.path.exists(host.file("unhealthy")):
                        code, body = 503, {"status": "unhealthy", "version": version}
                    else:
                        code, body = 200, {"status": "ok", "version": version}
                    self.reply(code, json.dumps(body).encode(), "application/json")
                elif path == "/":
                    self.reply(200, f"{host.instance_id} {version}\n".encode(), "text/plain")
                else:
                    self.reply(404, b"not found\n", "text/plain")

            def reply(self, code: int, body: bytes, ctype: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.server = server
        self.port = server.server_address[1]
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"app-{self.instance_id}", daemon=True
        ).start()

    def stop_app(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


# --------------------------------------------------------------------------------------------
# Emulator state
# --------------------------------------------------------------------------------------------


class Registration:
    def __init__(self, tg_arn: str, instance_id: str, port: int, state: str, t: float):
        self.tg_arn = tg_arn
        self.instance_id = instance_id
        self.port = port
        self.state = state
        self.reason = ""
        self.description = ""
        self.since = t
        self.drain_until = 0.0
        self.last_probe = 0.0
        self.generation = 0
        self.registered_at = t
        self.next_check = t
        self.passes = 0
        self.fails = 0

    def set(self, state: str, reason: str = "", description: str = "") -> None:
        if state != self.state:
            self.since = now()
        self.state = state
        self.reason = reason
        self.description = description
        self.generation += 1


class Invocation:
    def __init__(self, command: "Command", instance_id: str):
        self.command = command
        self.instance_id = instance_id
        self.status = "Pending"
        self.status_details = "Pending"
        self.response_code = -1
        self.stdout = ""
        self.stderr = ""
        self.started: float | None = None
        self.ended: float | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.cancel_requested = False

    @property
    def done(self) -> bool:
        return self.status not in ("Pending", "InProgress", "Delayed", "Cancelling")


class Command:
    def __init__(self, params: dict[str, Any], region: str):
        self.id = str(uuid.uuid4())
        self.region = region
        self.params = params
        self.document = params.get("DocumentName", "")
        self.comment = params.get("Comment", "")
        self.instance_ids: list[str] = list(params.get("InstanceIds") or [])
        doc_params = params.get("Parameters") or {}
        self.script = "\n".join(doc_params.get("commands") or [])
        self.execution_timeout = int((doc_params.get("executionTimeout") or ["3600"])[0])
        self.timeout_seconds = int(params.get("TimeoutSeconds") or 3600)
        self.requested = now()
        self.visible_at = self.requested
        self.is_health = HEALTH_MARKER in self.script
        self.invocations: "OrderedDict[str, Invocation]" = OrderedDict(
            (iid, Invocation(self, iid)) for iid in self.instance_ids
        )


class Emulator:
    def __init__(self, data_dir: str, port: int):
        self.data_dir = data_dir
        self.port = port
        self.hosts: "OrderedDict[str, Host]" = OrderedDict()
        self.regs: dict[str, "OrderedDict[tuple[str, int], Registration]"] = {}
        self.tg_timing: dict[str, GroupTiming] = {}
        # (instance, port, until): deregistered targets the data plane still sends new requests to
        self.windows: dict[str, list[tuple[str, int, float]]] = {}
        self.listeners: dict[str, Listener] = {}
        self.traffic: list[dict[str, Any]] = []
        self.rr: dict[str, int] = {}
        self.commands: "OrderedDict[str, Command]" = OrderedDict()
        self.calls: list[dict[str, Any]] = []
        self.call_counters: dict[str, int] = {}
        self.errors: list[dict[str, Any]] = []
        self.violations: list[dict[str, Any]] = []
        self.timeline: list[dict[str, Any]] = []
        self.max_out: list[str] = []
        self.max_out_at: float | None = None
        self.invocation_delay = 0.0
        self.fail_deploy_nth: int | None = None  # the Nth distinct host to get a deploy fails
        self.deployed_to: list[str] = []  # distinct hosts that got a deploy command, in order
        self.epoch = 0  # bumps on reset so stale threads stop touching state
        self.pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="probe")

    # ---------------------------------------------------------------- reset / cleanup
    def kill_commands(self) -> None:
        for cmd in self.commands.values():
            for inv in cmd.invocations.values():
                inv.cancel_requested = True
                kill_proc(inv.proc)

    def reset(self) -> None:
        with LOCK:
            self.epoch += 1
            self.kill_commands()
            stop_apps(list(self.hosts.values()))
            for host in self.hosts.values():
                shutil.rmtree(host.dir, ignore_errors=True)
            self.hosts.clear()
            self.regs.clear()
            self.tg_timing.clear()
            for listener in self.listeners.values():
                listener.stop()
            self.listeners.clear()
            self.windows.clear()
            self.traffic.clear()
            self.rr.clear()
            self.commands.clear()
            self.calls.clear()
            self.call_counters.clear()
            self.errors.clear()
            self.violations.clear()
            self.timeline.clear()
            self.max_out = []
            self.max_out_at = None
            self.invocation_delay = 0.0
            self.fail_deploy_nth = None
            self.deployed_to = []
            moto_api_backend.reset()

    def cleanup(self) -> None:
        try:
            self.kill_commands()
            stop_apps(list(self.hosts.values()))
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # ---------------------------------------------------------------- recorder
    def record(self, service: str, action: str, throttled: bool, error: str | None) -> None:
        self.calls.append(
            {
                "t": now(),
                "call": f"{service}:{action}",
                "mutating": not action.startswith(READ_ONLY_PREFIXES),
                "injectedError": error,
                "throttled": throttled,
            }
        )

    def injected_error(self, call: str) -> ApiError | None:
        n = self.call_counters.get(call, 0) + 1
        self.call_counters[call] = n
        for fault in self.errors:
            if fault["call"] != call:
                continue
            k = n - fault["base"]
            hit = False
            if fault.get("firstN") and k <= int(fault["firstN"]):
                hit = True
            if fault.get("everyNth") and k % int(fault["everyNth"]) == 0:
                hit = True
            if hit:
                fault["served"] = fault.get("served", 0) + 1
                code = fault.get("code") or "ThrottlingException"
                return ApiError(code, fault.get("message") or "Rate exceeded", int(fault.get("status") or 400))
        return None

    # ---------------------------------------------------------------- out of service
    def refresh_out_of_service(self, instance_id: str, cause: str) -> None:
        host = self.hosts.get(instance_id)
        if host is None:
            return
        regs = [r for tg in self.regs.values() for r in tg.values() if r.instance_id == instance_id]
        if host.out_since is None:
            if any(r.state == "draining" for r in regs) or any(
                not any(r.tg_arn == tg for r in regs if r.state in REGISTERED) for tg in host.home_tgs
            ):
                host.out_since = now()
                self.out_event(host, "out", cause)
        else:
            in_service = bool(host.home_tgs) and all(
                any(r.tg_arn == tg and r.state == "healthy" for r in regs) for tg in host.home_tgs
            )
            if in_service and not any(r.state == "draining" for r in regs):
                host.out_since = None
                self.out_event(host, "in", cause)

    def out_event(self, host: Host, event: str, cause: str) -> None:
        out = [h.instance_id for h in self.hosts.values() if h.out_since is not None]
        t = now()
        self.timeline.append(
            {"t": t, "instanceId": host.instance_id, "event": event, "cause": cause, "outCount": len(out), "out": out}
        )
        if len(out) > len(self.max_out):
            self.max_out = out
            self.max_out_at = t

    # ---------------------------------------------------------------- ELB model
    def tg(self, region: str, arn: str) -> Any:
        tg = elbv2_backends[DEFAULT_ACCOUNT_ID][region].target_groups.get(arn)
        if tg is None:
            raise ApiError("TargetGroupNotFound", f"Target groups '{arn}' not found")
        return tg

    def timing(self, tg: Any) -> GroupTiming:
        own = self.tg_timing.get(tg.arn)
        if own is None:
            # a group made through the API, not the seed: its own settings, AWS's defaults
            own = GroupTiming(
                kind="nlb" if str(tg.protocol or "").upper() in ("TCP", "UDP", "TLS", "TCP_UDP") else "alb",
                interval=float(tg.health_check_interval_seconds or 30),
                healthy_threshold=int(tg.healthy_threshold_count or 5),
                unhealthy_threshold=int(tg.unhealthy_threshold_count or 2),
                timeout=float(tg.health_check_timeout_seconds or 5),
            )
            self.tg_timing[tg.arn] = own
        return own

    def tg_regs(self, arn: str) -> "OrderedDict[tuple[str, int], Registration]":
        return self.regs.setdefault(arn, OrderedDict())

    def known_instance(self, region: str, instance_id: str) -> bool:
        if instance_id in self.hosts:
            return True
        from moto.ec2.models import ec2_backends

        return ec2_backends[DEFAULT_ACCOUNT_ID][region].get_instance_by_id(instance_id) is not None

    def register(self, region: str, arn: str, targets: list[dict[str, str]], initial: bool = True) -> None:
        tg = self.tg(region, arn)
        bad = [t["Id"] for t in targets if not self.known_instance(region, t["Id"])]
        if bad:
            raise ApiError("InvalidTarget", f"The following targets are not valid instances: '{', '.join(bad)}'")
        regs = self.tg_regs(arn)
        for t in targets:
            port = int(t.get("Port") or tg.port)
            key = (t["Id"], port)
            reg = regs.get(key)
            if reg is not None and reg.state in REGISTERED:
                continue
            reg = Registration(arn, t["Id"], port, "initial" if initial else "healthy", now())
            timing = self.timing(tg)
            if initial:
                reg.reason, reg.description = "Elb.RegistrationInProgress", "Target registration is in progress"
                reg.next_check = timing.first_check_at(reg.registered_at)
            else:  # seeded: in service since before the test, no propagation left
                reg.registered_at -= timing.registration_propagation
                reg.next_check = reg.registered_at + timing.registration_propagation + timing.interval
            regs[key] = reg
            # a new registration replaces the route the data plane kept from the last deregistration
            self.windows[arn] = [w for w in self.windows.get(arn, []) if (w[0], w[1]) != key]
            host = self.hosts.get(t["Id"])
            if host is not None:
                host.home_tgs.add(arn)
                host.deploy_started = False
            self.refresh_out_of_service(t["Id"], f"register {tg.name}")

    def deregister(self, region: str, arn: str, targets: list[dict[str, str]]) -> None:
        tg = self.tg(region, arn)
        delay = int(tg.attributes.get("deregistration_delay.timeout_seconds", 300))
        timing = self.timing(tg)
        regs = self.tg_regs(arn)
        for t in targets:
            matches = [
                r
                for (iid, port), r in regs.items()
                if iid == t["Id"] and (not t.get("Port") or port == int(t["Port"]))
            ]
            for reg in matches:
                if reg.state not in REGISTERED:
                    continue
                if self.routes(reg, timing) and timing.new_request_window > 0:
                    self.windows.setdefault(arn, []).append((reg.instance_id, reg.port, now() + timing.new_request_window))
                reg.set("draining", "Target.DeregistrationInProgress", "Target deregistration is in progress")
                reg.drain_until = now() + timing.draining_for(delay)
            self.refresh_out_of_service(t["Id"], f"deregister {tg.name}")
        self.expire_draining()

    def expire_draining(self) -> None:
        t = now()
        for arn, regs in self.regs.items():
            for key, reg in list(regs.items()):
                if reg.state == "draining" and t >= reg.drain_until:
                    del regs[key]
                    self.refresh_out_of_service(reg.instance_id, "drained")

    def probe_targets(self) -> None:
        """One round of the load balancer's health checks (runs on the prober thread)."""
        jobs = []
        with LOCK:
            self.expire_draining()
            t = now()
            for arn, regs in self.regs.items():
                try:
                    tg = self.tg(arn.split(":")[3], arn)
                except ApiError:
                    continue
                timing = self.timing(tg)
                for reg in regs.values():
                    if reg.state in REGISTERED and t >= reg.next_check:
                        # checks every interval from the first one (rd_elb_model.first_check_at)
                        # (a prober that fell a whole interval behind resumes from now, without a burst)
                        following = reg.next_check + timing.interval
                        reg.next_check = following if following > t else t + timing.interval
                        port = reg.port if tg.health_check_port in (None, "traffic-port") else int(tg.health_check_port)
                        path = tg.health_check_path or "/"
                        matcher = (tg.matcher or {}).get("HttpCode", "200")
                        jobs.append((reg, reg.generation, port, path, matcher, min(timing.timeout, 2), timing))
            epoch = self.epoch
        futures = [(job, self.pool.submit(http_probe, job[2], job[3], job[5])) for job in jobs]
        results = [(job, f.result()) for job, f in futures]
        with LOCK:
            if epoch != self.epoch:
                return
            for (reg, generation, _port, _path, matcher, _timeout, timing), (code, err) in results:
                if reg.generation != generation or reg.state not in REGISTERED:
                    continue
                reg.last_probe = now()
                apply_check(reg, timing, code is not None and code_matches(code, matcher), code, err)
                self.refresh_out_of_service(reg.instance_id, "health check")

    # ---------------------------------------------------------------- data plane
    def routes(self, reg: Registration, timing: GroupTiming) -> bool:
        """Whether the load balancer sends NEW requests to this registration now (rd_elb_model)."""
        if reg.state != "healthy":
            return False
        return now() >= reg.registered_at + timing.registration_propagation

    def pick(self, arn: str) -> tuple[str, int, bool] | None:
        """Round robin over the targets the data plane routes to now (caller holds LOCK)."""
        self.expire_draining()
        try:
            timing = self.timing(self.tg(arn.split(":")[3], arn))
        except ApiError:
            return None
        t = now()
        live = [(r.instance_id, r.port) for r in self.tg_regs(arn).values() if r.state in REGISTERED and self.routes(r, timing)]
        window = [(iid, port) for iid, port, until in self.windows.get(arn, []) if until > t]
        self.windows[arn] = [w for w in self.windows.get(arn, []) if w[2] > t]
        candidates = live + [w for w in window if w not in live]
        if not candidates:
            return None
        n = self.rr.get(arn, 0)
        self.rr[arn] = n + 1
        iid, port = candidates[n % len(candidates)]
        host = self.hosts.get(iid)
        return iid, port, bool(host is not None and host.deploy_started)

    # ---------------------------------------------------------------- SSM model
    def send_command(self, params: dict[str, Any], region: str) -> Command:
        ids = params.get("InstanceIds") or []
        if params.get("Targets"):
            raise ApiError("ValidationException", "rd_moto supports InstanceIds only, not Targets")
        if not ids:
            raise ApiError("ValidationException", "InstanceIds or Targets must be given")
        if len(ids) > 50:
            raise ApiError(
                "ValidationException",
                f"1 validation error detected: Value '{ids}' at 'instanceIds' failed to satisfy constraint: "
                "Member must have length less than or equal to 50",
            )
        if params.get("DocumentName") != "AWS-RunShellScript":
            raise ApiError("InvalidDocument", f"Document {params.get('DocumentName')} does not exist (rd_moto runs AWS-RunShellScript only)")
        doc_params = params.get("Parameters") or {}
        if not doc_params.get("commands"):
            raise ApiError("InvalidParameters", "Parameter 'commands' is required")
        timeout = (doc_params.get("executionTimeout") or ["3600"])[0]
        if not re.fullmatch(r"\d+", str(timeout)) or not 1 <= int(timeout) <= 172800:
            raise ApiError("InvalidParameters", f"executionTimeout '{timeout}' must be 1-172800 seconds")
        unknown = [i for i in ids if i not in self.hosts]
        if unknown:
            raise ApiError("InvalidInstanceId", f"Instances {unknown} not in a valid state for account {DEFAULT_ACCOUNT_ID}")
        cmd = Command(params, region)
        cmd.visible_at = cmd.requested + self.invocation_delay
        self.commands[cmd.id] = cmd
        if not cmd.is_health:
            self.check_invariant(cmd)
            for iid in cmd.instance_ids:
                self.hosts[iid].deploy_started = True
                if iid not in self.deployed_to:
                    self.deployed_to.append(iid)
                    if self.fail_deploy_nth == len(self.deployed_to) and self.hosts[iid].fail_deploy is None:
                        self.hosts[iid].fail_deploy = 1
        epoch = self.epoch
        for inv in cmd.invocations.values():
            threading.Thread(target=run_invocation, args=(self, inv, epoch), daemon=True, name=f"inv-{inv.instance_id}").start()
        return cmd

    def check_invariant(self, cmd: Command) -> None:
        for iid in cmd.instance_ids:
            for arn, regs in self.regs.items():
                for reg in regs.values():
                    if reg.instance_id == iid and reg.state in REGISTERED + ("draining",):
                        self.violations.append(
                            {
                                "t": now(),
                                "commandId": cmd.id,
                                "instanceId": iid,
                                "targetGroupArn": arn,
                                "port": reg.port,
                                "state": reg.state,
                                "message": f"deploy command {cmd.id} sent to {iid} while {reg.state} in {arn}",
                            }
                        )

    def visible_invocations(self, cmd: Command) -> list[Invocation]:
        return list(cmd.invocations.values()) if now() >= cmd.visible_at else []


def stop_apps(hosts: list[Host]) -> None:
    threads = [threading.Thread(target=h.stop_app) for h in hosts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)


def kill_proc(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def http_probe(port: int, path: str, timeout: float) -> tuple[int | None, str]:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path, headers={"User-Agent": "ELB-HealthChecker/2.0"})
        resp = conn.getresponse()
        resp.read()
        conn.close()
        return resp.status, ""
    except Exception as e:  # noqa: BLE001 - any failure is a failed check
        return None, type(e).__name__


def code_matches(code: int, matcher: str) -> bool:
    for part in str(matcher).split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            if int(lo) <= code <= int(hi):
                return True
        elif part and int(part) == code:
            return True
    return False


def run_invocation(emu: Emulator, inv: Invocation, epoch: int) -> None:
    cmd = inv.command
    host = emu.hosts.get(inv.instance_id)
    if host is None:
        return

    def finish(status: str, details: str, code: int, out: str = "", err: str = "") -> None:
        with LOCK:
            inv.status, inv.status_details, inv.response_code = status, details, code
            inv.stdout, inv.stderr = out, err
            inv.ended = now()
            inv.proc = None

    if host.undeliverable:
        finish("Undeliverable", "Undeliverable", -1)
        return
    delivery_deadline = cmd.requested + cmd.timeout_seconds + cmd.execution_timeout
    while True:
        with LOCK:
            if epoch != emu.epoch:
                return
            if inv.cancel_requested:
                finish("Cancelled", "Cancelled", -1)
                return
            if not host.offline:
                inv.status = inv.status_details = "InProgress"
                inv.started = now()
                break
            # the agent is unreachable: the invocation is Pending, "not yet sent to the managed node or
            # not received by SSM Agent", until the delivery timeout plus the execution timeout have
            # passed, then Delivery Timed Out ("Understanding command statuses", Systems Manager guide)
            inv.status = inv.status_details = "Pending"
        if now() >= delivery_deadline:
            finish("DeliveryTimedOut", "DeliveryTimedOut", -1)
            return
        time.sleep(0.1)

    if not cmd.is_health and host.fail_deploy is not None:
        time.sleep(0.05)
        code = host.fail_deploy
        finish("Failed", "Failed", code, "", f"rd_moto: injected deploy failure on {host.instance_id} (exit {code})\n")
        return

    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": host.dir,
        "LANG": "C.UTF-8",
        "AWS_SSM_INSTANCE_ID": host.instance_id,
        "AWS_SSM_REGION_NAME": cmd.region,
        "HOST_DIR": host.dir,
    }
    try:
        proc = subprocess.Popen(
            ["sh", "-c", cmd.script],
            cwd=host.dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as e:
        finish("Failed", "Failed", 1, "", f"failed to run commands: {e}\n")
        return
    with LOCK:
        inv.proc = proc
        if inv.cancel_requested:
            kill_proc(proc)
    timed_out = False
    try:
        out_b, err_b = proc.communicate(timeout=cmd.execution_timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_proc(proc)
        out_b, err_b = proc.communicate()
    out = out_b.decode("utf-8", "replace")
    err = err_b.decode("utf-8", "replace")
    if epoch != emu.epoch:
        return
    if inv.cancel_requested:
        finish("Cancelled", "Cancelled", STOPPED_EXIT_CODE, out, err)
    elif timed_out:
        finish("TimedOut", "ExecutionTimedOut", STOPPED_EXIT_CODE, out, err + "failed to run commands: exit status 137\n")
    elif proc.returncode == 0:
        if not cmd.is_health and host.unhealthy_after_deploy:
            host.set_flag_file("unhealthy", True)
        finish("Success", "Success", 0, out, err)
    else:
        code = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
        finish("Failed", "Failed", code, out, err + f"failed to run commands: exit status {code}\n")


# --------------------------------------------------------------------------------------------
# Wire formats
# --------------------------------------------------------------------------------------------


def request_id() -> str:
    return str(uuid.uuid4())


def xml_response(action: str, result_xml: str) -> tuple[int, dict[str, str], bytes]:
    body = (
        f'<{action}Response xmlns="{ELB_NS}"><{action}Result>{result_xml}</{action}Result>'
        f"<ResponseMetadata><RequestId>{request_id()}</RequestId></ResponseMetadata></{action}Response>"
    )
    return 200, {"Content-Type": "text/xml"}, body.encode()


def json_response(payload: Any) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": request_id()}, json.dumps(payload).encode()


def error_response(protocol: str, service: str, err: ApiError) -> tuple[int, dict[str, str], bytes]:
    rid = request_id()
    if protocol == "query":
        kind = "Sender" if err.sender else "Receiver"
        body = (
            f'<ErrorResponse xmlns="{ELB_NS}"><Error><Type>{kind}</Type><Code>{xml_escape(err.code)}</Code>'
            f"<Message>{xml_escape(err.message)}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>"
        )
        return err.status, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body.encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": rid, "x-amzn-ErrorType": err.code}
    if service == "cloudwatch":  # awsJson1_0 with awsQueryCompatible
        headers["Content-Type"] = "application/x-amz-json-1.0"
        headers["x-amzn-query-error"] = f"{err.code};{'Sender' if err.sender else 'Receiver'}"
    return err.status, headers, json.dumps({"__type": err.code, "message": err.message}).encode()


def query_members(params: dict[str, str], name: str) -> list[dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    pattern = re.compile(rf"^{re.escape(name)}\.member\.(\d+)\.(\w+)$")
    for key, value in params.items():
        m = pattern.match(key)
        if m:
            out.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return [out[i] for i in sorted(out)]


def page(items: list[Any], params: dict[str, Any], default: int, maximum: int) -> tuple[list[Any], str | None]:
    size = int(params.get("MaxResults") or default)
    if size < 1 or size > maximum:
        raise ApiError("ValidationException", f"MaxResults must be between 1 and {maximum}")
    start = 0
    if params.get("NextToken"):
        try:
            start = int(base64.b64decode(params["NextToken"]).decode())
        except Exception as e:  # noqa: BLE001
            raise ApiError("InvalidNextToken", "The specified token is not valid") from e
    chunk = items[start : start + size]
    nxt = start + size
    return chunk, (base64.b64encode(str(nxt).encode()).decode() if nxt < len(items) else None)


# --------------------------------------------------------------------------------------------
# Overridden API actions
# --------------------------------------------------------------------------------------------


def elb_describe_target_health(emu: Emulator, params: dict[str, str], region: str) -> Any:
    arn = params.get("TargetGroupArn", "")
    tg = emu.tg(region, arn)
    emu.expire_draining()
    regs = emu.tg_regs(arn)
    wanted = query_members(params, "Targets")
    rows: list[tuple[str, int, str, str, str]] = []
    if wanted:
        for t in wanted:
            matches = [r for (iid, port), r in regs.items() if iid == t["Id"] and (not t.get("Port") or port == int(t["Port"]))]
            if matches:
                rows += [(r.instance_id, r.port, r.state, r.reason, r.description) for r in matches]
            else:
                port = int(t.get("Port") or tg.port)
                rows.append((t["Id"], port, "unused", "Target.NotRegistered", "Target is not registered to the target group"))
    else:
        rows = [(r.instance_id, r.port, r.state, r.reason, r.description) for r in regs.values()]
    members = []
    for iid, port, state, reason, desc in rows:
        health = f"<State>{state}</State>"
        if reason:
            health += f"<Reason>{reason}</Reason><Description>{xml_escape(desc)}</Description>"
        members.append(
            f"<member><Target><Id>{iid}</Id><Port>{port}</Port></Target>"
            f"<HealthCheckPort>{xml_escape(str(tg.health_check_port or 'traffic-port'))}</HealthCheckPort>"
            f"<TargetHealth>{health}</TargetHealth></member>"
        )
    return xml_response("DescribeTargetHealth", f"<TargetHealthDescriptions>{''.join(members)}</TargetHealthDescriptions>")


def elb_register_targets(emu: Emulator, params: dict[str, str], region: str) -> Any:
    emu.register(region, params.get("TargetGroupArn", ""), query_members(params, "Targets"))
    return xml_response("RegisterTargets", "")


def elb_deregister_targets(emu: Emulator, params: dict[str, str], region: str) -> Any:
    emu.deregister(region, params.get("TargetGroupArn", ""), query_members(params, "Targets"))
    return xml_response("DeregisterTargets", "")


def command_json(emu: Emulator, cmd: Command) -> dict[str, Any]:
    invs = emu.visible_invocations(cmd)
    statuses = [i.status for i in invs]
    if not invs or any(s in ("Pending", "InProgress", "Delayed") for s in statuses):
        status = "InProgress" if invs else "Pending"
    elif all(s == "Success" for s in statuses):
        status = "Success"
    elif any(s == "Cancelled" for s in statuses):
        status = "Cancelled"
    elif any(s == "TimedOut" for s in statuses):
        status = "TimedOut"
    else:
        status = "Failed"
    return {
        "CommandId": cmd.id,
        "DocumentName": cmd.document,
        "DocumentVersion": "$DEFAULT",
        "Comment": cmd.comment,
        "ExpiresAfter": cmd.requested + cmd.timeout_seconds + cmd.execution_timeout,
        "Parameters": cmd.params.get("Parameters") or {},
        "InstanceIds": cmd.instance_ids,
        "Targets": [],
        "RequestedDateTime": cmd.requested,
        "Status": status,
        "StatusDetails": status,
        "MaxConcurrency": cmd.params.get("MaxConcurrency", "50"),
        "MaxErrors": cmd.params.get("MaxErrors", "0"),
        "TargetCount": len(cmd.instance_ids),
        "CompletedCount": sum(1 for i in invs if i.done),
        "ErrorCount": sum(1 for i in invs if i.status in ("Failed", "TimedOut")),
        "DeliveryTimedOutCount": sum(1 for i in invs if i.status == "DeliveryTimedOut"),
        "TimeoutSeconds": cmd.timeout_seconds,
        "NotificationConfig": {"NotificationEvents": [], "NotificationType": ""},
        "CloudWatchOutputConfig": {"CloudWatchOutputEnabled": False},
    }


def plugin_output(inv: Invocation) -> str:
    if not inv.done:
        return ""
    out = inv.stdout
    if inv.stderr:
        out += "\n----------ERROR-------\n" + inv.stderr
    return out[:PLUGIN_OUTPUT_LIMIT]


def invocation_json(inv: Invocation, details: bool) -> dict[str, Any]:
    cmd = inv.command
    data: dict[str, Any] = {
        "CommandId": cmd.id,
        "InstanceId": inv.instance_id,
        "InstanceName": "",
        "Comment": cmd.comment,
        "DocumentName": cmd.document,
        "DocumentVersion": "$DEFAULT",
        "RequestedDateTime": cmd.requested,
        "Status": inv.status,
        "StatusDetails": inv.status_details,
        "StandardOutputUrl": "",
        "StandardErrorUrl": "",
        "CommandPlugins": [],
        "ServiceRole": "",
        "NotificationConfig": {"NotificationEvents": [], "NotificationType": ""},
        "CloudWatchOutputConfig": {"CloudWatchOutputEnabled": False},
    }
    if details:
        plugin: dict[str, Any] = {
            "Name": "aws:runShellScript",
            "Status": inv.status,
            "StatusDetails": inv.status_details,
            "ResponseCode": inv.response_code,
            "Output": plugin_output(inv),
            "StandardOutputUrl": "",
            "StandardErrorUrl": "",
            "OutputS3Region": cmd.region,
            "OutputS3BucketName": "",
            "OutputS3KeyPrefix": "",
        }
        if inv.started is not None:
            plugin["ResponseStartDateTime"] = inv.started
        if inv.ended is not None:
            plugin["ResponseFinishDateTime"] = inv.ended
        data["CommandPlugins"] = [plugin]
    return data


def ssm_send_command(emu: Emulator, params: dict[str, Any], region: str) -> Any:
    cmd = emu.send_command(params, region)
    return json_response({"Command": command_json(emu, cmd)})


def find_command(emu: Emulator, command_id: str | None) -> Command:
    cmd = emu.commands.get(command_id or "")
    if cmd is None:
        raise ApiError("InvalidCommandId", f"Command {command_id} does not exist")
    return cmd


def ssm_list_command_invocations(emu: Emulator, params: dict[str, Any], region: str) -> Any:
    if params.get("CommandId"):
        invs = emu.visible_invocations(find_command(emu, params["CommandId"]))
    else:
        invs = [i for c in emu.commands.values() for i in emu.visible_invocations(c)]
    if params.get("InstanceId"):
        invs = [i for i in invs if i.instance_id == params["InstanceId"]]
    chunk, token = page(invs, params, 50, 50)
    payload: dict[str, Any] = {"CommandInvocations": [invocation_json(i, bool(params.get("Details"))) for i in chunk]}
    if token:
        payload["NextToken"] = token
    return json_response(payload)


def ssm_list_commands(emu: Emulator, params: dict[str, Any], region: str) -> Any:
    cmds = list(emu.commands.values())
    if params.get("CommandId"):
        cmds = [find_command(emu, params["CommandId"])]
    if params.get("InstanceId"):
        cmds = [c for c in cmds if params["InstanceId"] in c.instance_ids]
    chunk, token = page(cmds, params, 50, 50)
    payload: dict[str, Any] = {"Commands": [command_json(emu, c) for c in chunk]}
    if token:
        payload["NextToken"] = token
    return json_response(payload)


def ssm_get_command_invocation(emu: Emulator, params: dict[str, Any], region: str) -> Any:
    cmd = emu.commands.get(params.get("CommandId") or "")
    inv = cmd.invocations.get(params.get("InstanceId") or "") if cmd else None
    if cmd is None or inv is None or now() < cmd.visible_at:
        raise ApiError("InvocationDoesNotExist", "")
    if params.get("PluginName") not in (None, "", "aws:runShellScript"):
        raise ApiError("InvalidPluginName", f"Plugin {params.get('PluginName')} is not in the document")
    elapsed = ""
    if inv.started is not None:
        secs = (inv.ended or now()) - inv.started
        elapsed = f"PT{secs:.3f}S"
    return json_response(
        {
            "CommandId": cmd.id,
            "InstanceId": inv.instance_id,
            "Comment": cmd.comment,
            "DocumentName": cmd.document,
            "DocumentVersion": "$DEFAULT",
            "PluginName": "aws:runShellScript",
            "ResponseCode": inv.response_code,
            "ExecutionStartDateTime": iso(inv.started),
            "ExecutionElapsedTime": elapsed,
            "ExecutionEndDateTime": iso(inv.ended),
            "Status": inv.status,
            "StatusDetails": inv.status_details,
            "StandardOutputContent": inv.stdout[:STDOUT_LIMIT] if inv.done else "",
            "StandardOutputUrl": "",
            "StandardErrorContent": inv.stderr[:STDERR_LIMIT] if inv.done else "",
            "StandardErrorUrl": "",
            "CloudWatchOutputConfig": {"CloudWatchOutputEnabled": False},
        }
    )


def ssm_cancel_command(emu: Emulator, params: dict[str, Any], region: str) -> Any:
    cmd = find_command(emu, params.get("CommandId"))
    ids = params.get("InstanceIds") or list(cmd.invocations)
    for iid in ids:
        inv = cmd.invocations.get(iid)
        if inv is None or inv.done:
            continue
        inv.cancel_requested = True
        if inv.proc is not None:
            inv.status = inv.status_details = "Cancelling"
            kill_proc(inv.proc)
    return json_response({})


def ssm_describe_instance_information(emu: Emulator, params: dict[str, Any], region: str) -> Any:
    hosts = list(emu.hosts.values())
    filters: list[tuple[str, list[str]]] = []
    for f in params.get("Filters") or []:
        filters.append((f.get("Key", ""), f.get("Values") or []))
    for f in params.get("InstanceInformationFilterList") or []:
        filters.append((f.get("key", ""), f.get("valueSet") or []))
    for key, values in filters:
        if key == "InstanceIds":
            hosts = [h for h in hosts if h.instance_id in values]
        elif key == "PingStatus":
            hosts = [h for h in hosts if ("ConnectionLost" if h.offline else "Online") in values]
        elif key in ("PlatformTypes", "ResourceType"):
            continue
        else:
            raise ApiError("InvalidInstanceInformationFilterValue", f"rd_moto does not filter on {key}")
    chunk, token = page(hosts, params, 50, 50)
    items = [
        {
            "InstanceId": h.instance_id,
            "PingStatus": "ConnectionLost" if h.offline else "Online",
            "LastPingDateTime": now() - (600 if h.offline else 5),
            "AgentVersion": "3.3.0.0",
            "IsLatestVersion": True,
            "PlatformType": "Linux",
            "PlatformName": "Amazon Linux",
            "PlatformVersion": "2023",
            "ResourceType": "EC2Instance",
            "IPAddress": h.private_ip,
            "ComputerName": f"ip-{h.private_ip.replace('.', '-')}.ec2.internal",
            "AssociationStatus": "Success",
            "SourceId": h.instance_id,
            "SourceType": "AWS::EC2::Instance",
        }
        for h in chunk
    ]
    payload: dict[str, Any] = {"InstanceInformationList": items}
    if token:
        payload["NextToken"] = token
    return json_response(payload)


HANDLERS = {
    ("elasticloadbalancing", "DescribeTargetHealth"): elb_describe_target_health,
    ("elasticloadbalancing", "RegisterTargets"): elb_register_targets,
    ("elasticloadbalancing", "DeregisterTargets"): elb_deregister_targets,
    ("ssm", "SendCommand"): ssm_send_command,
    ("ssm", "ListCommandInvocations"): ssm_list_command_invocations,
    ("ssm", "ListCommands"): ssm_list_commands,
    ("ssm", "GetCommandInvocation"): ssm_get_command_invocation,
    ("ssm", "CancelCommand"): ssm_cancel_command,
    ("ssm", "DescribeInstanceInformation"): ssm_describe_instance_information,
}


# --------------------------------------------------------------------------------------------
# Admin API (/_rd/...)
# --------------------------------------------------------------------------------------------


def boto(emu: Emulator, service: str, region: str) -> Any:
    client = boto3.client(
        service,
        region_name=region,
        endpoint_url=f"http://127.0.0.1:{emu.port}",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=BotoConfig(retries={"max_attempts": 1}, parameter_validation=False),  # keep 1 s intervals
    )

    def mark_internal(request: Any, **_kw: Any) -> None:
        request.headers["X-Rd-Internal"] = "1"

    client.meta.events.register("before-sign.*.*", mark_internal)
    return client


def seed_timing(spec: dict[str, Any], kind: str) -> GroupTiming:
    """The model's timing for a seeded group (README: seed options; rd_elb_model: the pages)."""
    interval = float(spec.get("interval") or 1)
    phase = spec.get("firstCheckPhase")
    return GroupTiming(
        kind=kind,
        interval=interval,
        healthy_threshold=int(spec.get("healthyThreshold") or 2),
        unhealthy_threshold=int(spec.get("unhealthyThreshold") or 2),
        timeout=float(spec.get("timeout") or 1),
        first_check_phase=phase if phase in (None, "random") else float(phase),
        registration_propagation=float(spec.get("registrationPropagation") or 0),
        deregistration_propagation=float(spec.get("deregistrationPropagation") or 0),
        new_request_window=float(spec.get("newRequestWindow") or 0),
        connection_termination=bool(spec.get("connectionTermination", False)),
        rng=random.Random(spec.get("randomSeed", 0)),
    )


def seed_target_group(
    emu: Emulator, region: str, elb: Any, vpc_id: str, subnets: list[str], new_hosts: list[Host], spec: dict[str, Any]
) -> dict[str, Any]:
    kind = str(spec.get("kind") or "alb")
    if kind not in ("alb", "nlb"):
        raise ApiError("BadSeed", f"kind must be alb or nlb, not {kind}")
    path = spec.get("path") or "/_status"
    timing = seed_timing(spec, kind)
    tg = elb.create_target_group(
        Name=spec["name"],
        Protocol="HTTP" if kind == "alb" else "TCP",
        Port=int(spec.get("port") or 80),
        VpcId=vpc_id,
        TargetType="instance",
        HealthCheckProtocol="HTTP",
        HealthCheckPort=str(spec.get("healthCheckPort") or "traffic-port"),
        HealthCheckPath=path,
        # moto (like AWS) wants 5 <= interval and timeout < interval: create with valid values,
        # then set the short interval the tests want on moto's model below
        HealthCheckIntervalSeconds=max(int(timing.interval), 5),
        HealthCheckTimeoutSeconds=2,
        HealthyThresholdCount=timing.healthy_threshold,
        UnhealthyThresholdCount=timing.unhealthy_threshold,
        Matcher={"HttpCode": str(spec.get("matcher") or ("200" if kind == "alb" else "200-399"))},
    )["TargetGroups"][0]
    arn = tg["TargetGroupArn"]
    model = elbv2_backends[DEFAULT_ACCOUNT_ID][region].target_groups[arn]
    model.health_check_interval_seconds = int(timing.interval) if timing.interval == int(timing.interval) else timing.interval
    model.health_check_timeout_seconds = int(spec.get("timeout") or 1)
    attributes = [{"Key": "deregistration_delay.timeout_seconds", "Value": str(int(spec.get("deregistrationDelay", 1)))}]
    elb.modify_target_group_attributes(TargetGroupArn=arn, Attributes=attributes)
    if kind == "nlb":
        # NLB attribute (Network Load Balancer "Edit target group attributes"); set on moto's model
        # directly, whatever moto's validation of attribute names says
        model.attributes["deregistration_delay.connection_termination.enabled"] = str(timing.connection_termination).lower()
    lb_arn = None
    if spec.get("loadBalancer", True):
        try:
            lb_arn = elb.create_load_balancer(
                Name=f"{spec['name'][:26]}-{kind}", Subnets=subnets[:2], Type="application" if kind == "alb" else "network"
            )["LoadBalancers"][0]["LoadBalancerArn"]
            elb.create_listener(
                LoadBalancerArn=lb_arn,
                Protocol="HTTP" if kind == "alb" else "TCP",
                Port=80,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}],
            )
        except Exception as e:  # noqa: BLE001 - a load balancer is decoration only
            print(f"rd_moto: no load balancer for {spec['name']}: {e}", file=sys.stderr)
    members = spec.get("members")
    chosen = [new_hosts[i] for i in members] if members is not None else new_hosts
    traffic_url = None
    with LOCK:
        emu.tg_timing[arn] = timing
        for host in chosen:
            host.status_path = path
        emu.register(region, arn, [{"Id": h.instance_id, "Port": str(h.port)} for h in chosen], initial=False)
        if spec.get("traffic") or spec.get("trafficRate"):
            listener = Listener(spec["name"], arn, emu.pick, emu.traffic.append, LOCK)
            emu.listeners[arn] = listener
            traffic_url = listener.url
            if spec.get("trafficRate"):
                listener.drive(float(spec["trafficRate"]))
    return {
        "name": spec["name"],
        "arn": arn,
        "kind": kind,
        "loadBalancerArn": lb_arn,
        "instanceIds": [h.instance_id for h in chosen],
        "trafficUrl": traffic_url,
    }


def admin_seed(emu: Emulator, body: dict[str, Any]) -> Any:
    region = body.get("region") or "us-east-1"
    count = int(body.get("hosts") or 1)
    version = str(body.get("version") or "v1")
    tg_specs = body.get("targetGroups") or [{"name": "rd-web"}]
    ec2 = boto(emu, "ec2", region)
    elb = boto(emu, "elbv2", region)
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instances = []
    remaining = count
    while remaining > 0:
        n = min(remaining, 100)
        res = ec2.run_instances(ImageId=image, MinCount=n, MaxCount=n, InstanceType="t3.micro", SubnetId=subnets[0])
        instances += res["Instances"]
        remaining -= n
    new_hosts = []
    with LOCK:
        base = len(emu.hosts)
        for i, inst in enumerate(instances):
            iid = inst["InstanceId"]
            directory = os.path.join(emu.data_dir, iid)
            os.makedirs(directory, exist_ok=True)
            with open(os.path.join(directory, "version"), "w", encoding="utf-8") as f:
                f.write(version)
            host = Host(iid, base + i, directory, inst.get("PrivateIpAddress") or f"10.0.0.{i + 10}")
            host.start_app()
            emu.hosts[iid] = host
            new_hosts.append(host)
    groups = []
    for spec in tg_specs:
        groups.append(seed_target_group(emu, region, elb, vpc_id, subnets, new_hosts, spec))
    return {
        "hosts": [{"instanceId": h.instance_id, "port": h.port, "dir": h.dir, "index": h.index} for h in new_hosts],
        "targetGroups": groups,
    }


def admin_faults(emu: Emulator, body: dict[str, Any]) -> Any:
    for fault in body.get("errors", []) + body.get("throttle", []):
        if ":" not in fault.get("call", ""):
            raise ApiError("BadFault", "each fault needs call: 'service:Action' (e.g. ssm:SendCommand)")
        if not fault.get("firstN") and not fault.get("everyNth"):
            raise ApiError("BadFault", "each fault needs firstN or everyNth")
        emu.errors.append({**fault, "base": emu.call_counters.get(fault["call"], 0), "served": 0})
    if "failDeployNth" in body:
        emu.fail_deploy_nth = int(body["failDeployNth"]) if body["failDeployNth"] else None
    if "invocationDelay" in body:
        emu.invocation_delay = float(body["invocationDelay"] or 0)
    for iid, flags in (body.get("hosts") or {}).items():
        host = emu.hosts.get(iid)
        if host is None:
            raise ApiError("UnknownHost", f"no host {iid}")
        for key, value in flags.items():
            if key == "unhealthy":
                host.set_flag_file("unhealthy", bool(value))
            elif key == "hang":
                host.set_flag_file("hang", bool(value))
            elif key == "offline":
                host.offline = bool(value)
            elif key == "undeliverable":
                host.undeliverable = bool(value)
            elif key == "failDeploy":
                host.fail_deploy = None if value in (None, False) else (1 if value is True else int(value))
            elif key == "unhealthyAfterDeploy":
                host.unhealthy_after_deploy = bool(value)
            else:
                raise ApiError("BadFault", f"unknown host fault {key}")
    return admin_get_faults(emu)


def admin_get_faults(emu: Emulator) -> Any:
    return {
        "errors": [{k: v for k, v in f.items() if k != "base"} for f in emu.errors],
        "invocationDelay": emu.invocation_delay,
        "failDeployNth": emu.fail_deploy_nth,
        "deployedTo": emu.deployed_to,
        "hosts": {
            h.instance_id: {
                "unhealthy": os.path.exists(h.file("unhealthy")),
                "hang": os.path.exists(h.file("hang")),
                "offline": h.offline,
                "undeliverable": h.undeliverable,
                "failDeploy": h.fail_deploy,
                "unhealthyAfterDeploy": h.unhealthy_after_deploy,
            }
            for h in emu.hosts.values()
        },
    }


def admin_clear_faults(emu: Emulator) -> Any:
    emu.errors.clear()
    emu.invocation_delay = 0.0
    emu.fail_deploy_nth = None
    for h in emu.hosts.values():
        h.offline = h.undeliverable = h.unhealthy_after_deploy = False
        h.fail_deploy = None
        h.set_flag_file("unhealthy", False)
        h.set_flag_file("hang", False)
    return admin_get_faults(emu)


def admin_calls(emu: Emulator) -> Any:
    counts: dict[str, int] = {}
    for c in emu.calls:
        counts[c["call"]] = counts.get(c["call"], 0) + 1
    mutating = sorted({c["call"] for c in emu.calls if c["mutating"]})
    return {
        "calls": emu.calls,
        "counts": counts,
        "mutating": mutating,
        "mutatingCount": sum(1 for c in emu.calls if c["mutating"]),
        "injectedErrors": sum(1 for c in emu.calls if c["injectedError"]),
    }


def admin_out_of_service(emu: Emulator) -> Any:
    current = [h.instance_id for h in emu.hosts.values() if h.out_since is not None]
    return {"max": len(emu.max_out), "maxSet": emu.max_out, "maxAt": emu.max_out_at, "current": current, "timeline": emu.timeline}


def admin_state(emu: Emulator) -> Any:
    emu.expire_draining()
    hosts = []
    for h in emu.hosts.values():
        regs = [
            {"targetGroupArn": r.tg_arn, "port": r.port, "state": r.state, "reason": r.reason}
            for tg in emu.regs.values()
            for r in tg.values()
            if r.instance_id == h.instance_id
        ]
        hosts.append(
            {
                "instanceId": h.instance_id,
                "index": h.index,
                "port": h.port,
                "dir": h.dir,
                "version": h.version(),
                "unhealthy": os.path.exists(h.file("unhealthy")),
                "outOfService": h.out_since is not None,
                "registrations": regs,
                "homeTargetGroups": sorted(h.home_tgs),
            }
        )
    return {"hosts": hosts}


def admin_commands(emu: Emulator) -> Any:
    return {
        "commands": [
            {
                "commandId": c.id,
                "isHealthCheck": c.is_health,
                "requestedAt": c.requested,
                "comment": c.comment,
                "instanceIds": c.instance_ids,
                "executionTimeout": c.execution_timeout,
                "invocations": [
                    {
                        "instanceId": i.instance_id,
                        "status": i.status,
                        "responseCode": i.response_code,
                        "startedAt": i.started,
                        "endedAt": i.ended,
                        "stdout": i.stdout[-4000:],
                        "stderr": i.stderr[-4000:],
                    }
                    for i in c.invocations.values()
                ],
            }
            for c in emu.commands.values()
        ]
    }


def admin_traffic(emu: Emulator) -> Any:
    listeners = [{"targetGroupArn": arn, "name": li.name, "url": li.url} for arn, li in emu.listeners.items()]
    requests = list(emu.traffic)  # listener threads append while this is serialised
    return {"listeners": listeners, "summary": summary(requests), "requests": requests}


def admin(emu: Emulator, method: str, path: str, body: dict[str, Any]) -> Any:
    route = (method, path.rstrip("/"))
    if route == ("GET", "/_rd/ready"):
        return {"ready": True, "pid": os.getpid(), "port": emu.port}
    if route == ("POST", "/_rd/reset"):
        emu.reset()
        return {"reset": True}
    if route == ("POST", "/_rd/seed"):
        return admin_seed(emu, body)
    with LOCK:
        if route == ("POST", "/_rd/faults"):
            return admin_faults(emu, body)
        if route == ("GET", "/_rd/faults"):
            return admin_get_faults(emu)
        if route == ("DELETE", "/_rd/faults"):
            return admin_clear_faults(emu)
        if route == ("GET", "/_rd/calls"):
            return admin_calls(emu)
        if route == ("DELETE", "/_rd/calls"):
            emu.calls.clear()
            return {"cleared": True}
        if route == ("GET", "/_rd/violations"):
            return {"violations": emu.violations}
        if route == ("GET", "/_rd/out-of-service"):
            return admin_out_of_service(emu)
        if route == ("GET", "/_rd/state"):
            return admin_state(emu)
        if route == ("GET", "/_rd/commands"):
            return admin_commands(emu)
        if route == ("GET", "/_rd/traffic"):
            return admin_traffic(emu)
        if route == ("DELETE", "/_rd/traffic"):
            emu.traffic.clear()
            return {"cleared": True}
    raise ApiError("NotFound", f"no admin route {method} {path}", 404)


# --------------------------------------------------------------------------------------------
# WSGI front: recorder, fault injection, overrides, then stock moto
# --------------------------------------------------------------------------------------------


def identify(environ: dict[str, Any], body: bytes) -> tuple[str, str, str, dict[str, Any], str] | None:
    """(service, action, protocol, params, region) of an AWS request, or None."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    scope_service, region = "", "us-east-1"
    m = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/aws4_request", auth)
    if m:
        region, scope_service = m.group(1), m.group(2)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target and "." in target:
        prefix, action = target.split(".", 1)
        service = TARGET_PREFIX_SERVICE.get(prefix) or IAM_SERVICE.get(scope_service, scope_service)
        try:
            params = json.loads(body.decode() or "{}")
        except ValueError:
            params = {}
        return service, action, "json", params, region
    ctype = environ.get("CONTENT_TYPE", "")
    if ctype.startswith("application/x-www-form-urlencoded"):
        flat = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        if "Action" in flat:
            return IAM_SERVICE.get(scope_service, scope_service), flat["Action"], "query", flat, region
    m = re.match(r"^/service/([^/]+)/operation/([^/]+)$", environ.get("PATH_INFO", ""))
    if m:
        return TARGET_PREFIX_SERVICE.get(m.group(1), scope_service), m.group(2), "cbor", {}, region
    return None


class App:
    def __init__(self, emu: Emulator):
        self.emu = emu
        self.moto = DomainDispatcherApplication(create_backend_app)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_rd/"):
            return self.admin(environ, start_response, path, body)
        info = identify(environ, body)
        if info is not None and not environ.get(INTERNAL_HEADER):
            service, action, protocol, params, region = info
            handler = HANDLERS.get((service, action))
            with LOCK:
                err = self.emu.injected_error(f"{service}:{action}")
                self.emu.record(service, action, err is not None and "Throttl" in err.code, err.code if err else None)
                try:
                    if err is not None:
                        raise err
                    if handler is not None:
                        status, headers, out = handler(self.emu, params, region)
                    else:
                        status = 0
                except ApiError as e:
                    status, headers, out = error_response(protocol, service, e)
            if status:
                return self.respond(start_response, status, headers, out)
        return self.moto(environ, start_response)

    def admin(self, environ: dict[str, Any], start_response: Any, path: str, body: bytes) -> Any:
        try:
            payload = json.loads(body.decode() or "{}")
            result = admin(self.emu, environ.get("REQUEST_METHOD", "GET"), path, payload)
            status = 200
        except ApiError as e:
            result, status = {"error": e.code, "message": e.message}, e.status
        except Exception as e:  # noqa: BLE001 - report admin failures to the test
            result, status = {"error": type(e).__name__, "message": str(e)}, 500
        return self.respond(start_response, status, {"Content-Type": "application/json"}, json.dumps(result).encode())

    @staticmethod
    def respond(start_response: Any, status: int, headers: dict[str, str], body: bytes) -> list[bytes]:
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}
        hdrs = list(headers.items()) + [("Content-Length", str(len(body)))]
        start_response(f"{status} {reason.get(status, 'Status')}", hdrs)
        return [body]


def prober(emu: Emulator) -> None:
    while True:
        try:
            emu.probe_targets()
        except Exception as e:  # noqa: BLE001 - keep probing
            print(f"rd_moto: prober: {e!r}", file=sys.stderr)
        time.sleep(0.1)


def watch_parent(pid: int, on_exit: Any) -> None:
    while True:
        time.sleep(0.5)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            on_exit()
        except PermissionError:
            pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=0, help="0 picks a free port (printed on stdout)")
    parser.add_argument("--parent-pid", type=int, default=0, help="exit when this process is gone")
    parser.add_argument("--data-dir", default="", help="where the fake hosts live (default: a new temp dir)")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("rd_moto serves loopback only")

    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="rd-moto-")
    os.makedirs(data_dir, exist_ok=True)
    emu = Emulator(data_dir, args.port)
    server = make_server(args.host, args.port, App(emu), threaded=True)
    emu.port = server.server_port

    done = threading.Event()

    def shutdown(*_args: Any) -> None:
        if done.is_set():
            return
        done.set()
        try:
            emu.cleanup()
        finally:
            os._exit(0)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGHUP, shutdown)
    atexit.register(emu.cleanup)
    if args.parent_pid:
        threading.Thread(target=watch_parent, args=(args.parent_pid, shutdown), daemon=True).start()
    threading.Thread(target=prober, args=(emu,), daemon=True, name="prober").start()
    print(f"rd-moto listening on http://{args.host}:{emu.port} pid={os.getpid()} data={data_dir}", flush=True)
    try:
        server.serve_forever()
    finally:
        shutdown()


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rd_autoscaling  # noqa: E402 - Auto Scaling groups, instance refreshes (that module's docstring)

rd_autoscaling.install(sys.modules[__name__])

if __name__ == "__main__":
    main()
