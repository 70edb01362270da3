"""``python -m generator serve [RECORDS_DIR] [--host H] [--port P] [--as-of DATE]``: live preview.

MkDocs' live-reload server serves the site that generator/preview/builder.py builds into a temporary
folder. records/, schemas/, site_templates/ and mkdocs.yml are watched through the system's
file events (watchdog's native observer: nothing is rescanned while nothing changes); on a
change the preview's rebuild is given the record files that changed, and re-reads only those
(pipeline.refresh); a change to anything else starts afresh. The rebuild never raises, so
the watcher keeps running and the browser reloads into the problem page and, once the
records are fixed, back into the page; the terminal says which. The port is bound before the
first build, so a busy port or a wrong address is reported at once.

Exit codes: 0 stopped with Ctrl+C, 2 a wrong --host or --port, 3 RECORDS_DIR is not a records
folder or the address cannot be used (port in use, not allowed, not this machine's).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import faulthandler
import ipaddress
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.cli.commands.build import as_of_argument
from generator.exits import EXIT_OK, Refused, os_reason
from generator.text import cli as C
from generator.text.workflow import render

if TYPE_CHECKING:
    from watchdog.events import FileSystemEvent

    from generator.preview.builder import Preview
    from generator.settings import Settings


def _port(text: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 65535:
        return int(text)
    raise argparse.ArgumentTypeError(render("serve.bad_port", value=text))


def _host(text: str) -> str:
    """'localhost' or an IP address, as MkDocs' dev_addr accepts (brackets round IPv6 allowed)."""
    if text == "localhost":
        return text
    try:
        return str(ipaddress.ip_address(text.removeprefix("[").removesuffix("]")))
    except ValueError:
        raise argparse.ArgumentTypeError(render("serve.bad_host", value=text)) from None


def exposed(host: str) -> bool:
    """Whether other machines can reach ``host`` (0.0.0.0, ::, a network card's address)."""
    return host != "localhost" and not ipaddress.ip_address(host).is_loopback


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help=C.render("help.serve"),
                       description=C.render("help.serve.description"))
    p.add_argument("records", nargs="?", default="records", help=C.render("help.records"))
    p.add_argument("--host", type=_host, default="127.0.0.1",
                   help=C.render("help.serve.host"))
    p.add_argument("--port", type=_port, default=8000, help=C.render("help.serve.port"))
    p.add_argument("--as-of", type=as_of_argument, default=None, metavar="YYYY-MM-DD",
                   help=render("serve.as_of_help"))
    p.add_argument("--downloads", action="store_true",
                   help=C.render("help.serve.downloads"))
    p.set_defaults(func=run)


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _bind_refusal(exc: OSError, host: str, port: int) -> Refused:
    if exc.errno == errno.EADDRINUSE:
        return Refused("serve.port_busy", port=port, other=port + 1 if port < 65535 else 8000)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Refused("serve.port_denied", port=port)
    if exc.errno == errno.EADDRNOTAVAIL:
        return Refused("serve.no_address", host=host)
    return Refused("serve.bind_failed", host=host, port=port, reason=os_reason(exc))


class Changes:
    """The files changed since the last rebuild, collected from file events (watchdog's
    thread) and taken by the rebuild (the server's): record files modified in place, or
    None for "anything": a file made, removed or renamed, a folder, or a change outside the
    records (a schema, a template, mkdocs.yml)."""

    def __init__(self, records: Path, settings: Settings) -> None:
        self.records = records.resolve()
        paths = settings.paths
        self.others = [paths.schemas.resolve(), paths.templates.resolve()]
        self.config = paths.mkdocs_yml.resolve()
        self._lock = threading.Lock()
        self._files: set[Path] = set()
        self._all = False
        self.outside = False  # a change that is not in the records: start afresh

    def dispatch(self, event: FileSystemEvent) -> None:
        """One file event (watchdog calls handlers through ``dispatch``)."""
        where = Path(os.fsdecode(event.src_path))
        inside = where == self.records or self.records in where.parents
        if not inside and not (where == self.config
                               or any(d == where or d in where.parents for d in self.others)):
            return  # mkdocs.yml's folder is watched for mkdocs.yml alone
        if inside and any(part.startswith(".") for part in where.relative_to(self.records).parts):
            return  # an editor's swap or backup file: the loader skips dot-entries too
        with self._lock:
            if not inside:
                self.outside = self._all = True
            elif event.event_type == "modified" and not event.is_directory:
                self._files.add(where)
            elif not (event.event_type == "modified" and event.is_directory):
                self._all = True  # made, removed, renamed: the tree itself changed

    def take(self) -> tuple[set[Path] | None, bool]:
        """(the changed record files, or None for all; whether anything outside changed),
        emptied for the next rebuild."""
        with self._lock:
            files = None if self._all else self._files
            outside = self.outside
            self._files, self._all, self.outside = set(), False, False
        return files, outside


def _server(host: str, port: int, preview: Preview, changes: Changes) -> Any:
    """MkDocs' server, already bound (serve() binds again: the second time does nothing),
    watching through the system's file events, and rebuilding with the files that changed."""
    from mkdocs.livereload import LiveReloadServer
    from watchdog import events
    from watchdog.observers import Observer

    wanted = [events.FileCreatedEvent, events.FileDeletedEvent, events.FileModifiedEvent,
              events.FileMovedEvent, events.DirCreatedEvent, events.DirDeletedEvent,
              events.DirMovedEvent]

    class Watcher(Observer):  # type: ignore[misc,valid-type]
        """Only changes: the rebuild's own reading of the records (opened, closed without
        writing) must not start another rebuild."""

        def schedule(self, handler: Any, path: Any, *, recursive: bool = False,
                     event_filter: Any = None, follow_symlink: bool = False) -> Any:
            return super().schedule(handler, path, recursive=recursive, event_filter=wanted,
                                    follow_symlink=follow_symlink)

    def rebuild() -> None:
        files, outside = changes.take()
        if outside:
            preview.session.reset()
        preview.rebuild(files)

    class Server(LiveReloadServer):
        bound = False

        def server_bind(self) -> None:
            if not self.bound:
                super().server_bind()
                self.bound = True

    server = Server(builder=rebuild, host=host, port=port, root=str(preview.site))
    server.observer = Watcher()
    server.error_handler = preview.error_page
    try:
        server.server_bind()
    except OSError as exc:
        server.server_close()
        raise _bind_refusal(exc, host, port) from None
    return server


def _watch(server: Any, changes: Changes, settings: Settings) -> None:
    """The records, schemas and templates (each folder whole), and mkdocs.yml (its folder,
    not recursively: the changes of its other files are dropped by Changes)."""
    paths = settings.paths
    for folder in (paths.records, paths.schemas, paths.templates):
        server.watch(str(folder))
        server.observer.schedule(changes, str(folder), recursive=True)
    server.watch(str(paths.mkdocs_yml.parent), recursive=False)
    server.observer.schedule(changes, str(paths.mkdocs_yml.parent), recursive=False)


def _say(line: str) -> None:
    sys.stdout.write(line.rstrip("\n") + "\n")
    sys.stdout.flush()


@contextlib.contextmanager
def _stacks_on_request() -> Iterator[None]:
    """While serve runs, SIGUSR1 (``kill -USR1 PID``, POSIX) prints every thread's stack to
    stderr: what a preview that stopped answering, or would not stop, was doing. Put back on
    the way out."""
    usr1 = getattr(signal, "SIGUSR1", None)
    registered = False
    if usr1 is not None and hasattr(faulthandler, "register"):
        # stderr must be a file: not so when serve runs inside another program (or tests)
        with contextlib.suppress(OSError, ValueError, RuntimeError, AttributeError):
            faulthandler.register(usr1, all_threads=True)
            registered = True
    if not registered or usr1 is None:
        yield
        return
    try:
        yield
    finally:
        faulthandler.unregister(usr1)


def run(args: argparse.Namespace) -> int:
    from generator.exits import require_records
    from generator.preview.builder import Preview
    from generator.publish.mkdocs_run import mkdocs_logging
    from generator.settings import for_records

    settings = for_records(Path(args.records), preview_downloads=args.downloads,
                           as_of=args.as_of)
    require_records(settings.paths.records)
    if exposed(args.host):
        sys.stderr.write(render("serve.exposed", host=args.host) + "\n")
    debug = bool(os.environ.get("GENERATOR_DEBUG"))
    with _stacks_on_request(), mkdocs_logging(), \
            tempfile.TemporaryDirectory(prefix="census-preview-") as tmp:
        url = _url(args.host, args.port)
        preview = Preview(settings.paths.records, Path(tmp) / "docs", Path(tmp) / "site", url,
                          say=_say, settings=settings, debug=debug)
        changes = Changes(settings.paths.records, settings)
        server = _server(args.host, args.port, preview, changes)
        try:
            _watch(server, changes, settings)  # before the first build: no change is missed
            preview.rebuild()
            _say(render("serve.url", url=url))
            server.serve()
        except KeyboardInterrupt as exc:
            if type(exc) is not KeyboardInterrupt:  # SIGTERM: cli.py dies of the signal
                raise
            _say(render("serve.stopped"))
        finally:
            server.shutdown()
    return EXIT_OK
