"""Import speed: pages per second on generated text-dump mirrors.

    python benchmarks/bench_import.py [--pages 2000 5000]

Runs the real command line (`python -m site_builder import`) on a fresh
output folder, then again on the same folder (the re-import, all unchanged).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_text_dumps


def _timed_import(src: Path, out: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "site_builder", "import", str(src), "--out", str(out), "-q"],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"import failed:\n{result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[2000, 5000])
    args = parser.parse_args()
    print(f"{'pages':>7} {'cold s':>8} {'pages/s':>8} {'re-import s':>12} {'pages/s':>8}")
    for count in args.pages:
        with tempfile.TemporaryDirectory() as tmp:
            src, out = Path(tmp) / "mirror", Path(tmp) / "content"
            write_text_dumps(src, count)
            cold = _timed_import(src, out)
            again = _timed_import(src, out)
            written = len(list(out.glob("*.md")))
            assert written == count, f"{written} files for {count} pages"
            print(f"{count:>7} {cold:>8.2f} {count / cold:>8.0f} {again:>12.2f} {count / again:>8.0f}")


if __name__ == "__main__":
    main()
