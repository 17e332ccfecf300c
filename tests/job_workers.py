"""Real background workers for tests: `manage.py procrastinate worker` in processes of their own, on the test
database (used by the fault tests and the browser tests; the tests that need one must see committed data:
`django_db(transaction=True)`, or a live server)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
# Short, so that a dead worker is noticed in seconds (it beats every second; three silent seconds and it is dead).
STALLED_SECONDS = "3"


def connection_kwargs():
    db = connection.settings_dict
    return {
        "dbname": db["NAME"],
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "host": db["HOST"],
        "port": db["PORT"] or None,
    }


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    if db["HOST"].startswith("/"):
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={db['HOST']}&port={db['PORT']}"
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`manage.py procrastinate worker` on the test database, its output in a file of the test's folder."""

    def __init__(self, folder: Path, name: str, media_root: Path):
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DEBUG": "1",
            "MEDIA_ROOT": str(media_root),
            "JOB_STALLED_SECONDS": STALLED_SECONDS,
        }
        self.log_path = folder / f"{name}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker", "--name", name],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def output(self):
        return self.log_path.read_text()
