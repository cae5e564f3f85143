"""Elasticsearch 8.14.1 as one local node, from the distribution Elastic puts on Maven Central.

Why not codelibs' elasticsearch-cluster-runner: its 8.x releases (8.14.1.0 included) are only
in codelibs' own Maven repository, which is not reachable here; Maven Central stops at
7.10.2.0, too old for the 8.x Python client.  Elastic itself publishes one 8.x distribution to
Central: `org.elasticsearch.distribution.integ-test-zip:elasticsearch` - the real server with
the HTTP transport, but only four modules (transport-netty4, x-pack-core, x-pack-security,
apm).  Checked working: match/multi_match/simple_query_string/fuzzy queries, highlighting,
geo_point with geo_distance/geo_bounding_box/geo_shape queries, geo sorting, function_score
(decay, field_value_factor), nested, completion suggester, terms/composite/date_histogram/
geo_distance/avg/top_hits aggregations, aliases, index templates.  NOT there (see
MISSING_MODULES): the percolator, painless scripts, the analysis-common analyzers (english,
edge_ngram, ...; but see below for the filters we add), mapper-extras types
(search_as_you_type, scaled_float, rank_feature), _delete_by_query/_update_by_query/_reindex,
bucket_sort and the other aggregations of the "aggregations" module, ingest processors, join
fields.

The missing "rest-root" module (`GET /`, `HEAD /`: the Python client's info() and ping()) is
replaced by a small plugin of ours, java/RootPlugin.java; the analysis-common token filters the
search index needs (lowercase, porter_stem, asciifolding, synonym_graph; `stop` is in core) by
another, java/AnalysisPlugin.java, under the stock names (see es_plugin.py).

Elasticsearch refuses to run as root: see common.run_as_mode for how we run it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

import requests

from .common import (
    EngineError,
    file_lock,
    java_home,
    link_tree,
    maven_fetch,
    run_as_mode,
    run_as_prefix,
    say,
)
from .es_plugin import install_plugins
from .process import ManagedProcess

ES_VERSION = "8.14.1"
ES_ZIP = f"elasticsearch-{ES_VERSION}.zip"
# Central has no checksum files for this artifact (Maven warns about it), so pin our own.
ES_ZIP_SHA256 = "e1c5d644b33bb3d72b4243675d4b572bc02a4423c1440f012e08db57cc863fb6"
HEAP = ("-Xms1g", "-Xmx1g")
RUN_AS_USER = "vmp"
# Modules of the full distribution that the platform may want but this node lacks.
MISSING_MODULES = (
    "percolator",
    "lang-painless",
    "analysis-common",
    "mapper-extras",
    "reindex",
    "aggregations",
    "ingest-common",
    "parent-join",
)


def _unpack(zip_path: Path, target: Path) -> None:
    """Unzip keeping the executable bits (zipfile drops them; bin/* must stay runnable)."""
    digest = hashlib.sha256(zip_path.read_bytes()).hexdigest()
    if digest != ES_ZIP_SHA256:
        raise EngineError(
            f"{zip_path} has sha256 {digest}, expected {ES_ZIP_SHA256}; delete it and fetch again"
        )
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            path = Path(archive.extract(info, partial))
            mode = info.external_attr >> 16
            if mode:
                path.chmod(mode & 0o777)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)


class Elasticsearch(ManagedProcess):
    name = "elasticsearch"

    def __init__(self, state_dir: Path, base_http_port: int = 19200) -> None:
        super().__init__(state_dir)
        # codelibs' cluster-runner convention, kept so callers need not care which launcher
        # runs the node: HTTP is base + 1.  Transport (node-to-node) is base + 101.
        self.http_port = base_http_port + 1
        self.transport_port = base_http_port + 101
        self.config_dir = self.home / "config"
        self.data_dir = self.home / "data"
        self.logs_dir = self.home / "logs"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def ports(self) -> list[int]:
        return [self.http_port, self.transport_port]

    @property
    def _pid_token(self) -> str:
        # `-p <home>/server.pid` is on the command line from the first instant (unshare,
        # then bash, then java all carry it), unlike ES_PATH_CONF which is in the environment.
        return f"{self.home}/"

    # -- fetch ---------------------------------------------------------------------------------
    @property
    def dist_dir(self) -> Path:
        """The unpacked distribution in the cache (read-only; shared by all state dirs)."""
        cache = maven_fetch("elasticsearch", ES_VERSION).parent
        return cache / "dist" / f"elasticsearch-{ES_VERSION}"

    def fetch(self) -> None:
        lib = maven_fetch("elasticsearch", ES_VERSION)
        with file_lock(lib.parent / ".lock"):
            if not (self.dist_dir / "bin" / "elasticsearch").exists():
                say(f"unpacking {ES_ZIP} into {self.dist_dir}")
                _unpack(lib / ES_ZIP, self.dist_dir.parent)
            install_plugins(self.dist_dir, ES_VERSION)

    # -- health --------------------------------------------------------------------------------
    def is_healthy(self) -> bool:
        try:
            response = requests.get(f"{self.url}/_cluster/health", timeout=2)
            return response.ok and response.json().get("status") in ("green", "yellow")
        except (requests.RequestException, ValueError):
            return False

    def modules(self) -> list[str]:
        """Names of the modules the running node loaded (e.g. to check for the percolator)."""
        response = requests.get(
            f"{self.url}/_nodes/_local?filter_path=nodes.*.modules.name", timeout=5
        )
        response.raise_for_status()
        nodes = response.json()["nodes"].values()
        return sorted({m["name"] for node in nodes for m in node["modules"]})

    # -- start-up ------------------------------------------------------------------------------
    def _es_home(self) -> Path:
        # In runuser mode the unprivileged user cannot read the cache under /root, so it gets
        # a hard-linked copy inside the state dir (instant, no extra disk space), renewed at
        # every start so that it follows the cache (e.g. a rebuilt plugin).
        if run_as_mode() != "runuser":
            return self.dist_dir
        linked = self.home / "dist"
        shutil.rmtree(linked, ignore_errors=True)
        link_tree(self.dist_dir, linked)
        return linked

    def _prepare(self) -> None:
        for directory in (self.config_dir, self.data_dir, self.logs_dir):
            directory.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            self.dist_dir / "config" / "log4j2.properties", self.config_dir / "log4j2.properties"
        )
        # The stock jvm.options writes gc.log, heap dumps and crash files relative to the
        # working directory, which the launcher sets to ES_HOME: the shared, read-only cache.
        jvm_options = (self.dist_dir / "config" / "jvm.options").read_text()
        jvm_options = jvm_options.replace("=logs/", f"={self.logs_dir}/").replace(
            "HeapDumpPath=data", f"HeapDumpPath={self.data_dir}"
        )
        (self.config_dir / "jvm.options").write_text(jvm_options)
        (self.config_dir / "elasticsearch.yml").write_text(self._settings())
        options = self.config_dir / "jvm.options.d"
        options.mkdir(exist_ok=True)
        (options / "heap.options").write_text("\n".join(HEAP) + "\n")

    def _command(self) -> tuple[Sequence[str], dict[str, str]]:
        es_home = self._es_home()  # before run_as_prefix: it chowns what the user must write
        prefix = run_as_prefix(RUN_AS_USER, [self.config_dir, self.data_dir, self.logs_dir])
        env = {
            "ES_JAVA_HOME": str(java_home()),
            "ES_PATH_CONF": str(self.config_dir),
            # A JAVA_HOME in the environment only makes the launcher print a warning.
            "JAVA_HOME": "",
            "ES_JAVA_OPTS": os.environ.get("VMP_ES_JAVA_OPTS", ""),
        }
        # -p: Elasticsearch also writes the server JVM's own pid there (the launcher JVM is
        # its parent and our pid file's process).
        launcher = [str(es_home / "bin" / "elasticsearch"), "-p", str(self.home / "server.pid")]
        return [*prefix, *launcher], env

    def _settings(self) -> str:
        return f"""\
# Written by deploy/engines/elasticsearch.py on every start; edit that file, not this one.
cluster.name: vmp-local
node.name: vmp-es-1
network.host: 127.0.0.1
http.port: {self.http_port}
transport.port: {self.transport_port}
discovery.type: single-node
path.data: {self.data_dir}
path.logs: {self.logs_dir}
# Local development only: plain HTTP, no users (the production compose file secures it).
xpack.security.enabled: false
# A nearly full developer disk would otherwise turn every index read-only.
cluster.routing.allocation.disk.threshold_enabled: false
# Tests clean up with wildcard deletes.
action.destructive_requires_name: false
"""
