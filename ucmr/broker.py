"""The broker of the embedded default (`make run` without CELERY_BROKER_URL): kombu's SQLAlchemy transport on a
SQLite file beside the database, so a laptop needs no broker server. Its queues are tried in the order the worker
names them (user jobs first), where kombu's virtual transports take turns between queues.

Messages it delivered but were not acknowledged are kept by the worker in memory; a killed worker loses them.
No job is lost with them: the job's row is the outbox, and `ucmr.jobs.job_maintain` sends again what no worker
claimed and recovers what a lost worker was running.
"""

from queue import Empty

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from kombu.utils.scheduling import FairCycle
from sqlalchemy import event

ALIAS = "ucmr-sqla"


class PriorityCycle(FairCycle):
    """Each poll tries the queues from the first: a message in an earlier queue always goes first."""

    def get(self, callback, **kwargs):
        self.pos = 0
        return super().get(callback, **kwargs)


# Transport options that are kombu's, not SQLAlchemy's create_engine's.
KOMBU_OPTIONS = ("polling_interval",)


def _wal(dbapi_connection, connection_record) -> None:
    """Readers (the web processes publishing) and the worker's poller do not wait for each other."""
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class Channel(kombu_sqlalchemy.Channel):
    def _reset_cycle(self):
        self._cycle = PriorityCycle(self._get_and_deliver, self._active_queues, Empty)

    def _engine_from_config(self):
        client = self.connection.client
        saved = client.transport_options
        client.transport_options = {key: value for key, value in saved.items() if key not in KOMBU_OPTIONS}
        try:
            engine = super()._engine_from_config()
        finally:
            client.transport_options = saved
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _wal)
        return engine


class Transport(kombu_sqlalchemy.Transport):
    Channel = Channel


def register() -> None:
    """Make `ucmr-sqla+sqlite:///<path>` a broker URL."""
    TRANSPORT_ALIASES.setdefault(ALIAS, f"{__name__}:Transport")
