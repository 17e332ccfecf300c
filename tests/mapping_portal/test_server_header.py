"""Responses do not name the server software: gunicorn (`make serve`, with gunicorn.conf.py) sends no `Server`
header, and neither does the development server."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HELLO = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def response_head(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := connection.recv(4096):
            received += chunk
    return received.partition(b"\r\n\r\n")[0]


@pytest.mark.parametrize("with_config", [True, False], ids=["gunicorn.conf.py", "gunicorn's default"])
def test_gunicorn_under_our_config_sends_no_server_header(tmp_path, with_config):
    (tmp_path / "hello.py").write_text(HELLO)
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "hello:app", "--pythonpath", str(tmp_path)]
    # No control socket: gunicorn's default is one per user (~/.gunicorn/gunicorn.ctl), shared with any other gunicorn.
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"]
    # Without a --config, gunicorn would still read ./gunicorn.conf.py: run it from elsewhere for the default.
    command += ["--config", str(ROOT / "gunicorn.conf.py")] if with_config else ["--config", str(tmp_path / "none.py")]
    (tmp_path / "none.py").write_text("")
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                head = response_head(port)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer within 10 s"
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert head.startswith(b"HTTP/1.1 200")
    names = [line.split(b":", 1)[0].strip().lower() for line in head.split(b"\r\n")[1:]]
    if with_config:
        assert b"server" not in names and b"gunicorn" not in head.lower()
    else:  # what the config file removes
        assert b"server: gunicorn" in head.lower()


def test_the_development_server_sends_no_server_header():
    """runserver's own server classes, serving one request on a free port, once the portal's WSGI module is loaded
    (runserver loads it through WSGI_APPLICATION)."""
    import threading
    from wsgiref import simple_server

    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application

    get_internal_wsgi_application()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    try:
        head = response_head(server.server_address[1])
    finally:
        thread.join(timeout=5)
        server.server_close()
    assert head.startswith(b"HTTP/1.1 200") and b"\r\nDate:" in head
    assert b"Server:" not in head and b"CPython" not in head
    assert simple_server.ServerHandler.server_software.startswith("WSGIServer/")  # what wsgiref would have sent
