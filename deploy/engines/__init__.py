"""Local Kafka, Elasticsearch and PostgreSQL processes for tests and `make infra-up`.

There is no Docker here: the engines run as plain processes on 127.0.0.1, fetched once into
``${VMP_CACHE_DIR:-$HOME/.cache/vmp}`` (JVM engines from Maven Central, PostgreSQL from
Debian), each with its config, data, log and pid file under a state dir.  Command line:
``python -m deploy.engines up|down|status|fetch``.
"""

from .common import EngineError, cache_root, ensure_java_and_maven
from .elasticsearch import Elasticsearch
from .kafka import Kafka
from .postgres import Postgres
from .process import free_port

__all__ = [
    "Elasticsearch",
    "EngineError",
    "Kafka",
    "Postgres",
    "cache_root",
    "ensure_java_and_maven",
    "free_port",
]
