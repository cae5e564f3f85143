"""Build and install our Elasticsearch plugins (deploy/engines/java/*.java) into the cached node.

- ``vmp-rest-root`` (RootPlugin.java) restores `GET /` and `HEAD /`, the "rest-root" module
  missing from the Maven Central distribution (see elasticsearch.py);
- ``vmp-analysis`` (AnalysisPlugin.java) provides the analysis-common token filters the search
  index uses (`lowercase`, `porter_stem`, `asciifolding`, `synonym_graph`) under their stock
  names, so the same index settings work on the official image, which must not get it.

Each is compiled with javac against the distribution's own jars, so there is no separate
download and no version skew, and rebuilt only when its source changes (a sha256 stamp).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .common import JAVA_MAVEN_HINT, EngineError, say

JAVA_DIR = Path(__file__).resolve().parent / "java"


@dataclass(frozen=True)
class PluginSpec:
    """One single-source plugin: its directory name under plugins/, source and entry class."""

    name: str
    source: Path
    classname: str
    description: str


PLUGINS = (
    PluginSpec(
        name="vmp-rest-root",
        source=JAVA_DIR / "RootPlugin.java",
        classname="org.vmp.engines.es.RootPlugin",
        description="GET / and HEAD / for the local development node (vmp)",
    ),
    PluginSpec(
        name="vmp-analysis",
        source=JAVA_DIR / "AnalysisPlugin.java",
        classname="org.vmp.engines.es.AnalysisPlugin",
        description="analysis-common token filters for the local development node (vmp)",
    ),
)


def _descriptor(spec: PluginSpec, es_version: str) -> str:
    return f"""\
description={spec.description}
version=1.0.0
name={spec.name}
classname={spec.classname}
java.version=17
elasticsearch.version={es_version}
"""


def install_plugins(es_home: Path, es_version: str) -> None:
    """(Re)build every plugin of ours into <es_home>/plugins unless it is there and current."""
    for spec in PLUGINS:
        install_plugin(spec, es_home, es_version)


def install_plugin(spec: PluginSpec, es_home: Path, es_version: str) -> None:
    """(Re)build one plugin into <es_home>/plugins/<name> unless it is there and up to date."""
    target = es_home / "plugins" / spec.name
    # The version is in the stamp too: a plugin built for another node would not load.
    digest = hashlib.sha256(spec.source.read_bytes() + es_version.encode()).hexdigest()
    stamp = target / "source.sha256"
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    say(f"building the {spec.name} Elasticsearch plugin")
    # Build beside the distribution, not in plugins/, where a node starting meanwhile would
    # find a half-built plugin.
    build = es_home.parent / f".{spec.name}.build"
    shutil.rmtree(build, ignore_errors=True)
    _compile(spec.source, es_home / "lib", build / "classes")
    _jar(build / "classes", build / f"{spec.name}.jar")
    (build / "plugin-descriptor.properties").write_text(_descriptor(spec, es_version))
    (build / "source.sha256").write_text(digest + "\n")
    shutil.rmtree(target, ignore_errors=True)
    build.rename(target)


def _compile(source: Path, lib: Path, classes: Path) -> None:
    javac = shutil.which("javac")
    if javac is None:
        raise EngineError(f"javac not found (a JDK, not only a JRE, is needed). {JAVA_MAVEN_HINT}")
    cmd = [javac, "--release", "17", "-nowarn", "-cp", f"{lib}/*", "-d", str(classes), str(source)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise EngineError(f"compiling {source.name} failed:\n{result.stdout}{result.stderr}")


def _jar(classes: Path, jar_path: Path) -> None:
    with zipfile.ZipFile(jar_path, "w") as jar:
        for path in sorted(classes.rglob("*.class")):
            jar.write(path, path.relative_to(classes).as_posix())
    shutil.rmtree(classes)
