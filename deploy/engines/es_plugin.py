"""Build and install deploy/engines/java/RootPlugin.java into the cached Elasticsearch.

The plugin restores `GET /` and `HEAD /` (the "rest-root" module missing from the Maven Central
distribution; see elasticsearch.py).  It is compiled with javac against the distribution's
own jars, so there is no separate download and no version skew.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

from .common import JAVA_MAVEN_HINT, EngineError, say

PLUGIN_NAME = "vmp-rest-root"
SOURCE = Path(__file__).resolve().parent / "java" / "RootPlugin.java"
CLASSNAME = "org.vmp.engines.es.RootPlugin"


def _descriptor(es_version: str) -> str:
    return f"""\
description=GET / and HEAD / for the local development node (vmp)
version=1.0.0
name={PLUGIN_NAME}
classname={CLASSNAME}
java.version=17
elasticsearch.version={es_version}
"""


def install_root_plugin(es_home: Path, es_version: str) -> None:
    """(Re)build the plugin into <es_home>/plugins unless it is there and up to date."""
    target = es_home / "plugins" / PLUGIN_NAME
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    stamp = target / "source.sha256"
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    javac = shutil.which("javac")
    if javac is None:
        raise EngineError(f"javac not found (a JDK, not only a JRE, is needed). {JAVA_MAVEN_HINT}")
    say(f"building the {PLUGIN_NAME} Elasticsearch plugin")
    # Build beside the distribution, not in plugins/, where a node starting meanwhile would
    # find a half-built plugin.
    build = es_home.parent / f".{PLUGIN_NAME}.build"
    shutil.rmtree(build, ignore_errors=True)
    classes = build / "classes"
    cmd = [
        javac,
        "--release",
        "17",
        "-nowarn",
        "-cp",
        f"{es_home / 'lib'}/*",
        "-d",
        str(classes),
        str(SOURCE),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise EngineError(f"compiling {SOURCE.name} failed:\n{result.stdout}{result.stderr}")
    with zipfile.ZipFile(build / f"{PLUGIN_NAME}.jar", "w") as jar:
        for path in sorted(classes.rglob("*.class")):
            jar.write(path, path.relative_to(classes).as_posix())
    shutil.rmtree(classes)
    (build / "plugin-descriptor.properties").write_text(_descriptor(es_version))
    (build / "source.sha256").write_text(digest + "\n")
    shutil.rmtree(target, ignore_errors=True)
    build.rename(target)
