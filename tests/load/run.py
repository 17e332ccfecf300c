"""`make load`: gunicorn with DEBUG off on the demo data, the Locust scenario headless, the figures into
docs/benchmarks.md under "## make load".

    python -m tests.load.run            # what `make load` runs after migrate, seed_demo and collectstatic

Environment: LOAD_USERS (30), LOAD_SPAWN_RATE (5 per second), LOAD_DURATION (2m), LOAD_PORT (8765),
WEB_CONCURRENCY (gunicorn workers, 3 as `make serve`). The server speaks HTTPS with a throw-away self-signed
certificate (var/load/): with DEBUG off the session and CSRF cookies are Secure, so a client keeps them only over
HTTPS. SECRET_KEY is a fresh random one per run. Exit status 1 when any request failed.
"""

import csv
import datetime
import os
import platform
import secrets
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "load"
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
HEADING = "## make load"
BIN = Path(sys.executable).parent


def certificate():
    key, cert = VAR / "key.pem", VAR / "cert.pem"
    if not cert.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=127.0.0.1"]
            + ["-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )
    return key, cert


def wait_until_up(url, seconds=60):
    context = ssl._create_unverified_context()  # our own self-signed certificate
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, context=context, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"The server did not answer {url} within {seconds} s: see {VAR / 'gunicorn.log'}")


def machine():
    os_name = "?"
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("PRETTY_NAME="):
            os_name = line.split("=", 1)[1].strip('"')
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    postgres = subprocess.run(
        [sys.executable, "-c", "from mapping_portal import backups; print(backups.tool_major('postgres'))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    database = "DATABASE_URL" if os.environ.get("DATABASE_URL") else f"embedded PostgreSQL {postgres}"
    return f"{os.cpu_count()} cores ({cpu}), {os_name}, Python {platform.python_version()}, {database}"


def table(stats_csv, server, server_all):
    rows = list(csv.DictReader(open(stats_csv, encoding="utf-8")))
    lines = [
        "| page | requests | failures | requests/s | p50 ms | p95 ms | max ms | server p50 ms | server p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total = None
    for row in rows:
        cells = [
            row["Request Count"],
            row["Failure Count"],
            f"{float(row['Requests/s']):.1f}",
            row["50%"],
            row["95%"],
            f"{float(row['Max Response Time']):.0f}",
            *(server_all if row["Name"] == "Aggregated" else server.get(row["Name"], ("", ""))),
        ]
        cells = [str(cell) for cell in cells]
        if row["Name"] == "Aggregated":
            total = row
            lines.append("| **all pages** | " + " | ".join(f"**{cell}**" for cell in cells) + " |")
        else:
            lines.append(f"| {row['Type']} {row['Name']} | " + " | ".join(cells) + " |")
    return lines, total


def percentiles(times):
    times = sorted(times)
    if not times:
        return "", ""
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]


def server_times():
    """The time (ms) requests spent inside a gunicorn worker, per page (the X-Load-Page header the locustfile
    sends; "-" for the redirect a sign-in follows) and in all, from gunicorn's access log."""
    per_page = {}
    for line in open(VAR / "access.log", encoding="utf-8"):
        parts = line.rstrip("\n").split("|")
        if len(parts) != 4 or parts[1] == "/healthz":  # run.py's own wait for the server
            continue
        per_page.setdefault(parts[0], []).append(int(parts[3]))
    every = [time for times in per_page.values() for time in times]
    return {name: percentiles(times) for name, times in per_page.items()}, percentiles(every)


def write_section(text):
    """Replace (or add) the "## make load" section of docs/benchmarks.md, leaving every other section as it is."""
    existing = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    lines = existing.splitlines()
    if HEADING in lines:
        start = lines.index(HEADING)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = text.rstrip("\n").splitlines() + [""]
    else:
        lines += ["", *text.rstrip("\n").splitlines()]
    BENCHMARKS.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


def main():
    VAR.mkdir(parents=True, exist_ok=True)
    users = int(os.environ.get("LOAD_USERS", "30"))
    spawn_rate = os.environ.get("LOAD_SPAWN_RATE", "5")
    duration = os.environ.get("LOAD_DURATION", "2m")
    port = int(os.environ.get("LOAD_PORT", "8765"))
    workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
    host = f"https://127.0.0.1:{port}"
    key, cert = certificate()
    env = dict(os.environ, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1,localhost")
    started = datetime.datetime.now(datetime.UTC)
    load_before = os.getloadavg()[0]
    (VAR / "access.log").unlink(missing_ok=True)  # gunicorn appends: one run's requests only
    log = open(VAR / "gunicorn.log", "w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "mapping_portal.wsgi", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--timeout", "120", "--certfile", str(cert), "--keyfile", str(key)]
        # Each request's time inside a gunicorn worker (ms), to tell the server's own time from waiting for a worker.
        + ["--access-logfile", str(VAR / "access.log"), "--access-logformat", "%({x-load-page}i)s|%(U)s|%(s)s|%(M)s"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"{host}/healthz")
        result = subprocess.run(
            [str(BIN / "locust"), "-f", "tests/load/locustfile.py", "--headless", "--only-summary"]
            + ["--users", str(users), "--spawn-rate", spawn_rate, "--run-time", duration, "--host", host]
            + ["--csv", str(VAR / "locust"), "--html", str(VAR / "report.html")],
            cwd=ROOT,
            env=dict(os.environ, DEMO_PASSWORD=os.environ.get("DEMO_PASSWORD", "demo")),
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    load_after = os.getloadavg()[0]
    server, server_all = server_times()
    lines, total = table(VAR / "locust_stats.csv", server, server_all)
    section = [
        HEADING,
        "",
        f"`make load` on {started:%Y-%m-%d %H:%M} UTC: {machine()}. gunicorn, {workers} sync workers, DEBUG off, HTTPS "
        f"(self-signed), on the demo data (`seed_demo`); Locust {users} users (public 4 : staff 4 : viewer 2 : "
        f"la-kyshtut 1 : la-kerben 1 : admin 1), 1–3 s between pages, for {duration}, the load generator on the same "
        'machine. Pages in Kyrgyz. Detail pages are picked at random from the user\'s own list (the "discovery" rows '
        "are each user's first visit to a list). Load average (1 min) before the run "
        f"{load_before:.1f}, at its end {load_after:.1f}: the machine is shared, read the figures with it.",
        "",
        *lines,
        "",
        f"Total: {total['Request Count']} requests, {total['Failure Count']} failures, "
        f"{float(total['Requests/s']):.1f} requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms. "
        "Times are seen by the client: they include TLS, the wait for a free gunicorn worker and the Locust client's "
        "own time on a machine whose two cores it shares with the server. The server columns are the time inside a "
        f"gunicorn worker (its access log): p50 {server_all[0]} ms, p95 {server_all[1]} ms for all requests. The "
        "sign-in's time is mostly the password hash (PBKDF2, slow by design), once per user.",
    ]
    write_section("\n".join(section) + "\n")
    print("\n".join(section))
    print(f"\nWritten to {BENCHMARKS.relative_to(ROOT)} (HTML report: {VAR / 'report.html'}).")
    failures = int(total["Failure Count"])
    if failures or result.returncode:
        print(f"{failures} requests failed: see {VAR / 'locust_failures.csv'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
