"""Static files under fingerprinted names, compressed, kept by browsers until they change.

A build copies ``avvik/static`` into a folder named for a digest of its content. Each file
is there twice: under its own name and as ``name.<hash>.ext``, each with a Brotli (``.br``)
and a gzip (``.gz``) copy beside it where compression pays. WhiteNoise serves the folder at
``/static/``, picking the compressed copy the browser accepts. Templates link the
fingerprinted names through ``static_url()``: such a name changes with the content, so
browsers keep the file for a year without asking again (``Cache-Control: immutable``). The
plain names, asked for by code outside our templates, are kept only a minute.

The package build makes the folder (setup.py), so an installed wheel writes nothing; a
checkout makes it at app start when the sources changed (``make`` does it up front).
Several processes may start at once: each builds in a scratch folder and the first rename
wins. Only the standard library and whitenoise.compress at import: setup.py loads this
file without the app's dependencies.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from whitenoise.compress import Compressor

if TYPE_CHECKING:
    from flask import Flask

#: Hex digits of a file's content hash in its fingerprinted name.
HASH_LENGTH = 12
#: Changed when the layout of a build changes, so an older build is not taken for current.
BUILD_FORMAT = "1"
#: Seconds browsers keep a file asked for under its plain name.
SHORT_MAX_AGE = 60
#: The builds beside the package (gitignored); each one's served files are in ``files/``.
BUILDS_FOLDER = "static-build"
FILES = "files"
MANIFEST = "manifest.json"
SCRATCH_PREFIX = ".building-"
#: Builds kept in a checkout, the current one among them.
KEEP_BUILDS = 3


#: Digests already computed in this process, by the files' names, sizes and times: every
#: app a process creates (tests create many) would otherwise read every file again.
_digests: dict[tuple[tuple[str, int, int], ...], str] = {}


def source_digest(source: Path) -> str:
    """A digest of every file's name and content: the build's folder name."""
    files = sorted(_files(source))
    seen = tuple((str(path), (stat := path.stat()).st_size, stat.st_mtime_ns) for path in files)
    if seen not in _digests:
        digest = hashlib.sha256(BUILD_FORMAT.encode())
        for path in files:
            digest.update(path.relative_to(source).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        _digests[seen] = digest.hexdigest()[:16]
    return _digests[seen]


def fingerprinted(name: str, content: bytes) -> str:
    """``css/app.css`` → ``css/app.<hash>.css``; a name without a suffix gets it at the end."""
    tag = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    folder, _, filename = name.rpartition("/")
    stem, dot, suffix = filename.rpartition(".")
    new = f"{stem}.{tag}.{suffix}" if dot and stem else f"{filename}.{tag}"
    return f"{folder}/{new}" if folder else new


def build(source: Path, builds: Path) -> Path:
    """The build of ``source`` in ``builds``, made unless it is there; the oldest go."""
    target = builds / source_digest(source)
    if (target / MANIFEST).is_file():
        return target
    builds.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=builds))
    try:
        _write_build(source, scratch)
        try:
            scratch.rename(target)
        except OSError:
            if not (target / MANIFEST).is_file():  # not another process's finished build
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _remove_older(builds, keep=target)
    return target


def _remove_older(builds: Path, keep: Path) -> None:
    """All but the newest few: a server started before the files changed still serves
    from its build, so the one just replaced stays."""
    others = [path for path in builds.iterdir()
              if path != keep and (path / MANIFEST).is_file()]
    others.sort(key=lambda path: (path / MANIFEST).stat().st_mtime_ns, reverse=True)
    for old in others[KEEP_BUILDS - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def _write_build(source: Path, scratch: Path) -> None:
    compressor = Compressor(quiet=True)
    manifest = {}
    for path in sorted(_files(source)):
        name = path.relative_to(source).as_posix()
        content = path.read_bytes()
        manifest[name] = fingerprinted(name, content)
        plain = scratch / FILES / name
        plain.parent.mkdir(parents=True, exist_ok=True)
        plain.write_bytes(content)
        compressed = compressor.compress(str(plain)) if compressor.should_compress(name) else []
        for copy in [str(plain), *compressed]:
            shutil.copyfile(copy, scratch / FILES / (manifest[name] + copy[len(str(plain)):]))
    (scratch / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                    encoding="utf-8")


def _files(source: Path) -> list[Path]:
    return [path for path in source.rglob("*") if path.is_file()]


def package_build(package: Path, fallback: Path) -> Path:
    """The build for the package's ``static/``: beside the package, or in ``fallback``
    where the package's folder is read-only (an installed package whose build is stale)."""
    source = package / "static"
    try:
        return build(source, package / BUILDS_FOLDER)
    except PermissionError:
        return build(source, fallback / BUILDS_FOLDER)


def init_static_files(app: Flask, headers: dict[str, str]) -> None:
    """Serve the build at the static URL and give templates ``static_url(filename)``.

    ``headers``: added to every file's response (the security headers pages carry)."""
    from flask import url_for
    from whitenoise import WhiteNoise

    built = package_build(Path(app.root_path), Path(app.instance_path))
    manifest: dict[str, str] = json.loads((built / MANIFEST).read_text(encoding="utf-8"))
    immutable = set(manifest.values())

    def add_headers(response_headers, path: str, url: str) -> None:
        for name, value in headers.items():
            response_headers.setdefault(name, value)

    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=str(built / FILES), prefix=app.static_url_path,
        max_age=SHORT_MAX_AGE, allow_all_origins=False, add_headers_function=add_headers,
        immutable_file_test=lambda path, url: url.removeprefix(
            f"{app.static_url_path}/") in immutable)

    def static_url(filename: str) -> str:
        """The fingerprinted URL of a file in ``avvik/static``; a name not there is an
        error, not a link that answers 404."""
        if filename not in manifest:
            raise LookupError(f"no static file {filename!r}")
        return url_for("static", filename=manifest[filename])

    app.jinja_env.globals["static_url"] = static_url
    app.extensions["static_manifest"] = manifest


if __name__ == "__main__":  # make: build before the first app start needs it
    print(package_build(Path(__file__).resolve().parents[1], Path("instance")))
