"""``python -m generator serve [RECORDS_DIR] [--host 127.0.0.1] [--port 8000]``: live preview.

MkDocs' live-reload server serves the site that generator/preview.py builds into a temporary
folder. The server watches records/, schemas/, site_templates/ and mkdocs.yml; on a change it
calls the preview's rebuild, which validates, regenerates and builds, or writes a problem
page over the site. The rebuild never raises, so the watcher keeps running and the browser
reloads into the problem page and, once the records are fixed, back into the page; the
terminal says which. The port is bound before the first (slow) build, so a busy port or a
wrong address is reported at once.

Exit codes: 0 stopped with Ctrl+C, 2 a wrong --host or --port, 3 RECORDS_DIR is not a records
folder or the address cannot be used (port in use, not allowed, not this machine's).
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.exits import EXIT_OK, Refused, os_reason
from generator.workflow_messages import render

if TYPE_CHECKING:
    from generator.preview import Preview


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
    p = sub.add_parser("serve", help="本地预览网站：修改记录后自动重新生成并刷新浏览器",
                       description="在本机启动预览服务器；记录改动后自动校验并刷新页面，"
                                   "记录有错误时浏览器中显示问题清单。")
    p.add_argument("records", nargs="?", default="records", help="记录文件夹（默认 records）")
    p.add_argument("--host", type=_host, default="127.0.0.1",
                   help="监听地址（默认 127.0.0.1，仅本机；0.0.0.0 会让同一网络中的人都能看到内部版网站）")
    p.add_argument("--port", type=_port, default=8000, help="端口 1–65535（默认 8000）")
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


def _server(host: str, port: int, preview: Preview) -> Any:
    """MkDocs' server, already bound (serve() binds again: the second time does nothing)."""
    from mkdocs.livereload import LiveReloadServer

    class Server(LiveReloadServer):
        bound = False

        def server_bind(self) -> None:
            if not self.bound:
                super().server_bind()
                self.bound = True

    server = Server(builder=preview.rebuild, host=host, port=port, root=str(preview.site))
    server.error_handler = preview.error_page
    try:
        server.server_bind()
    except OSError as exc:
        server.server_close()
        raise _bind_refusal(exc, host, port) from None
    return server


def _say(line: str) -> None:
    sys.stdout.write(line.rstrip("\n") + "\n")
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    from generator.build import MKDOCS_YML, mkdocs_logging
    from generator.exits import require_records
    from generator.preview import Preview
    from generator.render.markup import TEMPLATES
    from generator.schemas import SCHEMA_DIR

    records = Path(args.records)
    require_records(records)
    if exposed(args.host):
        sys.stderr.write(render("serve.exposed", host=args.host) + "\n")
    with mkdocs_logging(), tempfile.TemporaryDirectory(prefix="census-preview-") as tmp:
        url = _url(args.host, args.port)
        preview = Preview(records, Path(tmp) / "docs", Path(tmp) / "site", url, say=_say)
        server = _server(args.host, args.port, preview)
        try:
            preview.rebuild()
            for path in (records, SCHEMA_DIR, TEMPLATES, MKDOCS_YML):
                server.watch(str(path))
            _say(render("serve.url", url=url))
            server.serve()
        except KeyboardInterrupt as exc:
            if type(exc) is not KeyboardInterrupt:  # SIGTERM: cli.py dies of the signal
                raise
            _say(render("serve.stopped"))
        finally:
            server.shutdown()
    return EXIT_OK
