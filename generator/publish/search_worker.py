"""Material's search worker in a built site, mended after MkDocs has copied it there.

The worker bundles lunr 2.3.9, the last release. lunr's token set merges its nodes by a key
made of each edge's character and its child's id with nothing between them
(``TokenSet.prototype.toString``): with digits for edges, two different nodes can have one
key ("0" + "0" + "525" and "0" + "0" + "5" + "2" + "5"). The merged set then holds terms
the index lacks, and any query with a term that begins one (G106-1 searches "1*") throws
TypeError in ``Index.query``; it also loses real terms. Which words trigger it depends on
every word indexed, so a new record or page could break the site's search at any time.
Ending each id with a delimiter makes the keys unambiguous: the one change made here, to
the bytes of the minified worker.
"""

from __future__ import annotations

from pathlib import Path

WORKERS = "assets/javascripts/workers"
BROKEN = b"e=e+s+o.id}return e}"  # the end of TokenSet.prototype.toString, minified
MENDED = b'e=e+s+o.id+","}return e}'


def mend_search_worker(site: Path) -> int:
    """Mend every search worker of the built ``site`` that has lunr's ambiguous key (exactly
    once); how many were mended. One without it is left as it is: already mended (serve
    rebuilds in place), or another Material, whose worker tests/test_site_browser.py checks."""
    folder = site / WORKERS
    mended = 0
    for path in sorted(folder.glob("search.*.min.js")) if folder.is_dir() else []:
        data = path.read_bytes()
        if data.count(BROKEN) == 1:
            path.write_bytes(data.replace(BROKEN, MENDED))
            mended += 1
    return mended
