"""``python -m generator serve [RECORDS_DIR] [--port 8000]``: live preview of the site.

The pages are generated into a temporary docs folder and served by MkDocs' own live-reload
server. A watcher polls records/ (and schemas/, site_templates/) once a second; on a change it
validates again and, if the records are clean, regenerates the pages, copying only files whose
bytes changed so MkDocs reloads the browser. With errors it prints them and keeps the last
good pages.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from generator.errors import report_text

EXIT_OK, EXIT_PROBLEMS = 0, 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="本地预览网站：修改记录后自动重新生成并刷新浏览器",
                       description="在本机启动预览服务器；记录改动后自动校验并刷新页面。")
    p.add_argument("records", nargs="?", default="records", help="记录文件夹（默认 records）")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.set_defaults(func=run)


def _snapshot(roots: list[Path]) -> dict[str, tuple[float, int]]:
    state = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                stat = path.stat()
                state[str(path)] = (stat.st_mtime, stat.st_size)
    return state


def _sync(src: Path, dst: Path) -> None:
    """Make ``dst`` equal to ``src``, touching only files that differ."""
    for path in src.rglob("*"):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif not target.exists() or not filecmp.cmp(path, target, shallow=False):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for path in sorted(dst.rglob("*"), reverse=True):
        if not (src / path.relative_to(dst)).exists():
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def _generate(records: Path, docs: Path) -> list[dict[str, object]] | None:
    """Regenerate the pages into ``docs``; the navigation, or None when the records have errors."""
    from generator.pipeline import prepare
    from generator.render import excel, report, site

    prepared = prepare(records)
    checked = prepared.checked
    if prepared.census is None or prepared.figures is None:
        sys.stdout.write(report_text(checked.problems, checked.loaded.n_files))
        sys.stdout.write("记录有错误：预览保持上一次的页面。\n")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        dist, fresh = Path(tmp) / "dist", Path(tmp) / "docs"
        dist.mkdir()
        files = excel.write_annexes(prepared.census, prepared.figures, dist)
        report.write_docx(prepared.census, prepared.figures, dist / "工作报告.docx")
        files.append(dist / "工作报告.docx")
        site.write_pages(prepared.census, prepared.figures, checked.schemas, fresh, files,
                         report.report_markdown(prepared.census, prepared.figures),
                         defer=False)  # MkDocs serves the pages itself: no splice step
        _sync(fresh, docs)
    return site.nav(prepared.census)


def _watch(records: Path, docs: Path, stop: threading.Event) -> None:
    from generator.render.markup import TEMPLATES
    from generator.schemas import SCHEMA_DIR

    roots = [records, SCHEMA_DIR, TEMPLATES]
    before = _snapshot(roots)
    while not stop.wait(1.0):
        now = _snapshot(roots)
        if now != before:
            before = now
            sys.stdout.write("检测到修改，重新生成……\n")
            _generate(records, docs)


def run(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve

    from generator.build import MKDOCS_YML, _quiet_logs

    records = Path(args.records)
    with tempfile.TemporaryDirectory(prefix="census-preview-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        nav = _generate(records, docs)
        if nav is None:
            return EXIT_PROBLEMS
        stop = threading.Event()
        watcher = threading.Thread(target=_watch, args=(records, docs, stop), daemon=True)
        watcher.start()
        _quiet_logs()
        sys.stdout.write(f"预览地址：http://{args.host}:{args.port}/  （Ctrl+C 退出）\n")
        sys.stdout.flush()
        try:
            serve(config_file=str(MKDOCS_YML), docs_dir=str(docs), nav=nav,
                  dev_addr=f"{args.host}:{args.port}", livereload=True)
        finally:
            stop.set()
            time.sleep(0)
    return EXIT_OK
