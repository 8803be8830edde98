"""App hosts for the production tests: gunicorn started the way `make serve` starts it
(gunicorn.conf.py, YISHI_CONFIG=production, settings from the environment), and a small
browser that keeps its own cookies. Traffic goes to 127.0.0.1 only, with timeouts."""
import http.client
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
FLASK = ROOT / ".venv" / "bin" / "flask"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_flask(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(FLASK), "--app", "wsgi", *args], cwd=ROOT,  # noqa: S603
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=timeout, check=False)


@dataclass
class Host:
    port: int
    process: subprocess.Popen
    log_path: Path

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8").splitlines()


def stop_hosts(hosts: list[Host]) -> None:
    """SIGTERM to every master (a graceful stop); what has not exited within a few seconds
    (on a busy machine workers take long to exit) is killed with its whole process group."""
    for host in hosts:
        if host.process.poll() is None:
            host.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 3
    for host in hosts:
        try:
            host.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(host.process.pid, signal.SIGKILL)
            host.process.wait(timeout=10)


def start_host(env: dict, log_path: Path, workers: int = 2, threads: int = 4) -> Host:
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603  (our own gunicorn)
            [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
            env={**os.environ, **env, "BIND": f"127.0.0.1:{port}",
                 "WEB_CONCURRENCY": str(workers), "THREADS": str(threads)},
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return Host(port, process, log_path)


def wait_until_healthy(host: Host, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if host.process.poll() is not None:
            raise AssertionError(f"gunicorn exited ({host.process.returncode}):\n"
                                 + "\n".join(host.log_lines()[-20:]))
        try:
            if request(host.port, "GET", "/healthz", timeout=5).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /healthz:\n"
                         + "\n".join(host.log_lines()[-20:]))


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    cookies: dict[str, str]


# As nginx sends them (deploy/nginx-yishi.conf): the app trusts one proxy.
# A browser on https sends the page it came from (Flask-WTF checks it on https).
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "yishi.test",
                 "Referer": "https://yishi.test/"}


def request(port: int, method: str, path: str, *, data: dict | None = None,
            cookies: dict | None = None, client_ip: str = "203.0.113.10",
            timeout: float = TIMEOUT) -> Answer:
    """One request on a new connection (as phones arrive); redirects are not followed."""
    headers = {**PROXY_HEADERS, "X-Forwarded-For": client_ip, "Connection": "close"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if data is not None:
        body = urlencode(data)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        set_cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key] = rest.split(";", 1)[0]
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                      text, set_cookies)
    finally:
        conn.close()


@dataclass
class Browser:
    """A person's phone: one cookie jar, whichever host the balancer sends a request to."""
    client_ip: str = "203.0.113.10"
    cookies: dict[str, str] = field(default_factory=dict)

    def send(self, port: int, method: str, path: str, data: dict | None = None) -> Answer:
        answer = request(port, method, path, data=data, cookies=self.cookies,
                         client_ip=self.client_ip)
        for key, value in answer.cookies.items():
            if value:
                self.cookies[key] = value
            else:
                self.cookies.pop(key, None)
        return answer

    def csrf(self, port: int, path: str) -> str:
        page = self.send(port, "GET", path)
        assert page.status == 200, (path, page.status)
        found = CSRF.search(page.body)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def login(self, port: int, mobile: str, password: str) -> Answer:
        token = self.csrf(port, "/login")
        return self.send(port, "POST", "/login", {"mobile": mobile, "password": password,
                                                  "csrf_token": token})
