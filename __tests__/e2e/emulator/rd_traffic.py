"""A stand-in for a load balancer's data plane, for rd_moto. Test-only.

One loopback HTTP listener per seeded load balancer (seed option `traffic: true`). Each request is
forwarded, round robin, to a target the ELB model says the load balancer routes NEW requests to
at that moment (rd_elb_model: healthy and propagated, or deregistered less than the group's
propagation window ago while it was in service), and recorded with its outcome and whether it
reached a host whose deploy command had already been sent. With `trafficRate` the plugin also
sends that many requests per second itself, so a test only has to read `GET /_rd/traffic`.
"""

from __future__ import annotations

import http.client
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

# pick(arn) -> (instance_id, port, deploy_started) or None; called under the emulator's lock
Pick = Callable[[str], "tuple[str, int, bool] | None"]


class Listener:
    def __init__(self, name: str, arn: str, pick: Pick, record: Callable[[dict[str, Any]], None], lock: Any):
        self.name = name
        self.arn = arn
        self.pick = pick
        self.record = record
        self.lock = lock
        self.stopped = threading.Event()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                code, body = listener.forward(self.path)
                self.send_response(code)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"lb-{name}", daemon=True
        ).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def forward(self, path: str) -> tuple[int, bytes]:
        t = time.time()
        with self.lock:
            chosen = self.pick(self.arn)
        entry: dict[str, Any] = {"t": t, "targetGroupArn": self.arn, "path": path}
        if chosen is None:
            # an ALB with no registered target answers 503 (no target to route to)
            entry.update(instanceId=None, port=None, status=503, outcome="failed", deployStarted=False, error="no target")
            self.record(entry)
            return 503, b"no target\n"
        iid, port, deploy_started = chosen
        entry.update(instanceId=iid, port=port, deployStarted=deploy_started)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"X-Forwarded-For": "127.0.0.1"})
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            status, error = resp.status, None
        except Exception as e:  # noqa: BLE001 - a refused or cut connection is a 502 from an ALB
            status, body, error = 502, b"bad gateway\n", type(e).__name__
        entry.update(status=status, outcome="ok" if 200 <= status < 400 else "failed", error=error)
        self.record(entry)
        return status, body

    def drive(self, rate: float) -> None:
        """Send `rate` requests per second to this listener until stopped."""

        def loop() -> None:
            gap = 1.0 / rate
            while not self.stopped.wait(gap):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                    conn.request("GET", "/")
                    conn.getresponse().read()
                    conn.close()
                except Exception:  # noqa: BLE001 - the listener records the outcome
                    pass

        threading.Thread(target=loop, name=f"traffic-{self.name}", daemon=True).start()

    def stop(self) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()


def summary(requests: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "total": len(requests),
        "ok": sum(1 for r in requests if r["outcome"] == "ok"),
        "failed": sum(1 for r in requests if r["outcome"] == "failed"),
        "deployStarted": sum(1 for r in requests if r["deployStarted"]),
        "dropped": sum(1 for r in requests if r["outcome"] == "failed" or r["deployStarted"]),
    }
