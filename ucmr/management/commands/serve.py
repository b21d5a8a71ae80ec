"""`make run`'s one command: the development web server and a Celery worker (with beat) side by side, their
output interleaved and labelled; Ctrl+C stops both, and so does either one stopping."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ucmr.jobs import worker_queues

STOP_TIMEOUT = 20


def worker_command(*, concurrency: int, beat_schedule: str | None, options: tuple[str, ...] = ()) -> list[str]:
    """`celery worker` for both queues, user jobs first; with `beat_schedule` (its file) also the beat that runs
    the outbox and the sweep; `options`: more of celery's."""
    beat = ["--beat", f"--schedule={beat_schedule}"] if beat_schedule else []
    return [
        *(sys.executable, "-m", "celery", "-A", "ucmr", "worker", *beat),
        f"--queues={worker_queues()}",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
        *options,
    ]


class Command(BaseCommand):
    help = "Serve UCMR for development: the web server and a background worker, stopped together with Ctrl+C."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Address and port of the web server.")
        parser.add_argument("--concurrency", type=int, default=2, help="Jobs the worker runs at once (default 2).")
        parser.add_argument("--no-worker", action="store_true", help="Only the web server (jobs wait in the queue).")

    def handle(self, *args, addrport: str, concurrency: int, no_worker: bool, **options):
        root = Path(settings.BASE_DIR)
        commands = {"web": [sys.executable, str(root / "manage.py"), "runserver", addrport]}
        if settings.UCMR_JOBS_INLINE:
            self.stdout.write("UCMR_JOBS_INLINE is on: jobs run inside the requests; no worker is started.")
        elif not no_worker:
            commands["worker"] = worker_command(
                concurrency=concurrency, beat_schedule=settings.CELERY_BEAT_SCHEDULE_FILENAME
            )
        width = max(len(name) for name in commands)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        processes = {
            name: subprocess.Popen(  # noqa: S603 - our own commands
                command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
            )
            for name, command in commands.items()
        }
        lock = threading.Lock()
        stopped = threading.Event()

        def relay(name: str, process: subprocess.Popen) -> None:
            for line in iter(process.stdout.readline, b""):
                with lock:
                    sys.stdout.write(f"{name:<{width}} | {line.decode(errors='replace')}")
                    sys.stdout.flush()
            stopped.set()

        threads = [threading.Thread(target=relay, args=item, daemon=True) for item in processes.items()]
        for thread in threads:
            thread.start()
        previous = {sig: signal.signal(sig, lambda *_: stopped.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            stopped.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.stop(processes)
            for thread in threads:
                thread.join(timeout=2)
        codes = {name: process.returncode for name, process in processes.items()}
        self.stdout.write("Stopped: " + ", ".join(f"{name} (exit {code})" for name, code in codes.items()))

    def stop(self, processes: dict[str, subprocess.Popen]) -> None:
        """SIGTERM to the worker (a warm shutdown: its pool finishes the jobs it runs) and to the web server's
        process group (the reloader's child goes too), then SIGKILL for what is left after STOP_TIMEOUT seconds."""
        for name, process in processes.items():
            if process.poll() is None:
                if name == "worker":
                    process.send_signal(signal.SIGTERM)
                else:
                    os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
