"""Settings of the gunicorn server that tests/bench/test_bench_api.py starts: the test settings (with
UCMR_TEST_DB_NAME naming the benchmark's test database), the baseline views next to the project's URLs, DEBUG off
(`make` exports DJANGO_DEBUG=true; DEBUG keeps every SQL query in memory, which no production server does), and
no request throttling (the load generator sends thousands of requests a minute)."""

from ucmr.test_settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.api_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
UCMR_API_THROTTLE_USER = ""
UCMR_API_THROTTLE_ANON = ""
