"""Apache Kafka 3.9.1 as one local KRaft process (broker and controller, node.id=1).

The jars come from Maven Central (deploy/maven/kafka/pom.xml); there is no Kafka
distribution tarball and no shell script: we run `kafka.Kafka` on the classpath directly.
"""

from __future__ import annotations

import base64
import socket
import struct
import subprocess
import uuid
from collections.abc import Sequence
from pathlib import Path

from .common import EngineError, java_home, maven_fetch, say
from .process import ManagedProcess

KAFKA_VERSION = "3.9.1"
HEAP = "-Xmx512m"


def _random_cluster_id() -> str:
    # Kafka cluster ids are 16 random bytes in URL-safe base64 without padding.  One starting
    # with "-" would be parsed as an option by StorageTool, which Kafka's own generator avoids.
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


class Kafka(ManagedProcess):
    name = "kafka"

    def __init__(self, state_dir: Path, port: int = 19092, controller_port: int = 19093) -> None:
        super().__init__(state_dir)
        self.port = port
        self.controller_port = controller_port
        self.data_dir = self.home / "data"
        self.config_path = self.home / "server.properties"
        self.log4j_path = self.home / "log4j.properties"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def ports(self) -> list[int]:
        return [self.port, self.controller_port]

    @property
    def _pid_token(self) -> str:
        return str(self.config_path)

    @property
    def lib_dir(self) -> Path:
        return maven_fetch("kafka", KAFKA_VERSION)

    def fetch(self) -> None:
        maven_fetch("kafka", KAFKA_VERSION)

    # -- health --------------------------------------------------------------------------------
    def is_healthy(self) -> bool:
        """The broker answers a metadata request (with kafka-python's admin client if present)."""
        try:
            from kafka import KafkaAdminClient  # lazy: this module must import without it
        except ImportError:
            return self._raw_metadata_ok()
        if not self._raw_metadata_ok():  # cheap pre-check: avoids the client's retry loop
            return False
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=self.bootstrap,
                request_timeout_ms=5000,
                bootstrap_timeout_ms=5000,
                client_id="vmp-engines-health",
            )
        except Exception:
            return False
        try:
            admin.list_topics()
            return True
        except Exception:
            return False
        finally:
            admin.close()

    def _raw_metadata_ok(self) -> bool:
        """Metadata v0 by hand: a few bytes over a socket, no client library needed."""
        client_id = b"vmp-engines"
        # api_key=3 (Metadata), api_version=0, correlation_id, client_id, empty topic array.
        body = struct.pack(">hhih", 3, 0, 7, len(client_id)) + client_id + struct.pack(">i", 0)
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                sock.sendall(struct.pack(">i", len(body)) + body)
                header = _recv_exact(sock, 12)  # size, correlation id, broker count
        except OSError:
            return False
        _size, correlation_id, brokers = struct.unpack(">iii", header)
        return correlation_id == 7 and brokers >= 1

    # -- start-up ------------------------------------------------------------------------------
    def _prepare(self) -> None:
        self.config_path.write_text(self._server_properties())
        self.log4j_path.write_text(_LOG4J)
        if not (self.data_dir / "meta.properties").exists():
            self._format_storage()

    def _java(self) -> list[str]:
        return [
            str(java_home() / "bin" / "java"),
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration=file:{self.log4j_path}",
            "-cp",
            f"{self.lib_dir}/*",
        ]

    def _format_storage(self) -> None:
        """KRaft needs its log dir formatted once with a cluster id; later starts reuse it."""
        say(f"formatting Kafka storage in {self.data_dir}")
        cmd = [
            *self._java(),
            "kafka.tools.StorageTool",
            "format",
            "-t",
            _random_cluster_id(),
            "-c",
            str(self.config_path),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise EngineError(f"Kafka StorageTool format failed:\n{result.stdout}{result.stderr}")

    def _command(self) -> tuple[Sequence[str], dict[str, str]]:
        java = self._java()
        return [java[0], HEAP, "-XX:+UseG1GC", *java[1:], "kafka.Kafka", str(self.config_path)], {}

    def _server_properties(self) -> str:
        p, c = self.port, self.controller_port
        return f"""\
# Written by deploy/engines/kafka.py on every start; edit that file, not this one.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{c}
listeners=PLAINTEXT://127.0.0.1:{p},CONTROLLER://127.0.0.1:{c}
advertised.listeners=PLAINTEXT://127.0.0.1:{p}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={self.data_dir}
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
# One broker: every internal topic must live with a single replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Fewer internal partitions than the default 50: the first consumer group and the first
# transaction then come up in well under a second.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10
# Consumers join immediately instead of waiting 3s for more members.
group.initial.rebalance.delay.ms=0
# After a crash the restarted controller keeps the dead broker's registration until its
# session expires, and the new broker cannot register before (DUPLICATE_BROKER_REGISTRATION):
# with the defaults (9s session) a restart after SIGKILL takes ~16s instead of ~6s.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
"""


def _recv_exact(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise OSError("connection closed")
        data += chunk
    return data


# Everything to stdout, which the launcher redirects to <state>/kafka/kafka.log: one file to
# read when something goes wrong.  The request and state-change loggers are very chatty.
_LOG4J = """\
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.clients=WARN
"""
