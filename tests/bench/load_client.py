"""The load generator of tests/bench/test_bench_load.py, run as a process of its own
(`python -m tests.bench.load_client PLAN RESULTS`): the clients must not share the test process's interpreter (its
GIL) nor slow it down, and the server's figures must not include time the generator spent waiting for its own
threads. Standard library only (no Django): it starts in a fraction of a second and costs little CPU per request.

PLAN (JSON, written by the test) names the server's port, how long to run, how many clients, the mix of request
types with their weights, and what the requests need (the paths, headers, the use cases to read and edit, the XML
files to import). Every client is a thread sending requests back to back (a closed loop), a new connection for each
(as a browser's first request; gunicorn's sync and gthread workers both take it). It stops by itself after `seconds`
(a request under way finishes, within the timeout). Which use case a client reads or edits follows the plan's
`popularity`: "uniform" (every use case as likely: the pessimistic case for any cache) or "zipf" (a few use cases
read most often, as in real repositories and in YCSB's default workload: the use case of popularity rank k is read
with a weight of 1/k**0.99, the ranks shuffled once). RESULTS (JSON): the latencies and statuses per request type,
failures (connection errors and 5xx), the elapsed time.

Traffic goes to 127.0.0.1 only: the plan names a port, never a host.
"""

import http.client
import json
import random
import re
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

HOST = "127.0.0.1"


def request(port: int, method: str, path: str, headers: dict, body: bytes | None, timeout: float):
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Popular:
    """Picks one of `ids` at random, following the plan's popularity ("uniform" or "zipf")."""

    ZIPF_EXPONENT = 0.99

    def __init__(self, ids: list[int], plan: dict):
        self.ids = list(ids)
        self.weights = None
        if plan.get("popularity", "uniform") == "zipf":
            random.Random(len(self.ids)).shuffle(self.ids)
            total, self.weights = 0.0, []
            for rank in range(1, len(self.ids) + 1):
                total += 1 / rank**self.ZIPF_EXPONENT
                self.weights.append(total)

    def pick(self, rng: random.Random) -> int:
        if self.weights is None:
            return rng.choice(self.ids)
        return rng.choices(self.ids, cum_weights=self.weights)[0]


class Generator:
    def __init__(self, plan: dict):
        self.plan = plan
        self.port, self.timeout = plan["port"], plan["timeout"]
        self.files = {int(pk): (workspace, Path(path).read_bytes()) for pk, (workspace, path) in plan["files"].items()}
        self.counter = iter(range(10**9))
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.failures: list[str] = []
        self.ids, self.edited = Popular(plan["ids"], plan), Popular(plan["edited"], plan)

    def record(self, kind: str, status: int, seconds: float, body: bytes) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if status >= 500:
                self.failures.append(f"{kind}: {status} {body[:300]!r}")

    def call(self, kind: str, method: str, path: str, headers: dict, body: bytes | None = None):
        began = time.perf_counter()
        status, answer_headers, answer = request(self.port, method, path, headers, body, self.timeout)
        self.record(kind, status, time.perf_counter() - began, answer)
        return status, answer_headers

    def one(self, kind: str, rng: random.Random) -> None:
        plan = self.plan
        pages, api = plan["page_headers"], plan["api_headers"]
        list_url, last_page = plan["list_url"], plan["pages_of_list"]
        if kind == "page: list":
            self.call(kind, "GET", f"{list_url}?page={rng.randint(1, last_page)}", pages)
        elif kind == "page: search":
            words = rng.choice(plan["search_words"])
            self.call(kind, "GET", f"{list_url}?q={words.replace(' ', '+')}", pages)
        elif kind == "page: facets":
            self.call(kind, "GET", f"{list_url}?status=draft&nature=SUC&actor={plan['actor']}", pages)
        elif kind == "page: use case":
            self.call(kind, "GET", plan["detail_url"].format(pk=self.ids.pick(rng)), pages)
        elif kind == "api: list":
            self.call(kind, "GET", f"/api/use-cases/?page={rng.randint(1, last_page)}", api)
        elif kind == "api: document":
            self.call(kind, "GET", f"/api/use-cases/{self.ids.pick(rng)}/", api)
        elif kind == "edit: PATCH with If-Match":
            path = f"/api/use-cases/{self.edited.pick(rng)}/"
            status, headers = self.call("edit: GET before", "GET", path, api)
            if status != 200:
                return
            patch = f'{{"document": {{"scope": "Edited under load {next(self.counter)}."}}}}'.encode()
            extra = {"Content-Type": "application/json", "If-Match": headers.get("ETag", "")}
            self.call(kind, "PATCH", path, {**api, **extra}, patch)
        elif kind == "import: POST XML":
            workspace, data = self.files[rng.choice(list(self.files))]
            data = re.sub(plan["import_marker"].encode(), f"Imported {next(self.counter)}".encode(), data)
            path = f"/api/imports/?workspace={workspace}&policy=update"
            self.call(kind, "POST", path, {**api, "Content-Type": "application/xml"}, data)
        else:
            raise ValueError(f"Unknown request type {kind!r}.")

    def client(self, number: int, deadline: float) -> None:
        rng = random.Random(number)
        kinds, weights = list(self.plan["mix"]), list(self.plan["mix"].values())
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            try:
                self.one(kind, rng)
            except (OSError, http.client.HTTPException) as error:  # refused, reset or timed out: as bad as a 5xx
                with self.lock:
                    self.failures.append(f"{kind}: {error!r}")

    def warm_up(self, rounds: int) -> None:
        """Every request type `rounds` times, unmeasured (every server worker imports what each request uses)."""
        rng = random.Random(0)
        for kind in self.plan["mix"]:
            for _ in range(rounds):
                self.one(kind, rng)
        self.latencies.clear()
        self.statuses.clear()

    def run(self) -> dict:
        seconds = self.plan["seconds"]
        began = time.monotonic()
        threads = [
            threading.Thread(target=self.client, args=(number, began + seconds), daemon=True)
            for number in range(self.plan["clients"])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + self.timeout * 3)
        elapsed = time.monotonic() - began
        with self.lock:
            return {
                "elapsed": elapsed,
                "latencies": dict(self.latencies),
                "statuses": {kind: dict(counts) for kind, counts in self.statuses.items()},
                "failures": list(self.failures),
            }


def main(plan_path: str, results_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text())
    generator = Generator(plan)
    generator.warm_up(plan["warm_up_rounds"])
    Path(results_path).write_text(json.dumps(generator.run()))


if __name__ == "__main__":
    main(*sys.argv[1:3])
