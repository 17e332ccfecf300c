"""Peak memory of checking the hostile uploads of issue #21 (a measurement, not a test).

    DEBUG=1 .venv/bin/python tools/measure_uploads.py

Each case runs in a fresh process; the figure is the growth of the process's peak resident size
(resource.getrusage ru_maxrss) from just before the check to its end, plus the check's wall time.
The import cases read the file as an import does (inspect, declared rows, every row up to the row
limit) without the database.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(tempfile.gettempdir()) / "upload-bombs"
CASES = {
    "photo-1x24000000.png": ("photo", lambda b: b.png_bomb(1, 24_000_000)),
    "photo-4999x4999.png": ("photo", lambda b: b.png_bomb(4999, 4999, channels=3)),
    "photo-4000x4000.png": ("photo", lambda b: b.png_bomb(4000, 4000, channels=3)),
    "attachment-20000x20000.png": ("attachment", lambda b: b.png_bomb(20_000, 20_000)),
    "attachment-png+html.png": ("attachment", lambda b: b.png_html_polyglot()),
    "import-20000-columns.xlsx": ("import", lambda b: b.xlsx_wide_header(20_000)),
    "import-190mb-rows.xlsx": ("import", lambda b: b.xlsx_long_rows(190)),
    "import-190mb-cell.xlsx": ("import", lambda b: b.xlsx_one_huge_cell(190)),
    "import-190mb-shared-strings.xlsx": ("import", lambda b: b.xlsx_shared_strings(190)),
    "import-15mb-shared-strings.xlsx": ("import", lambda b: b.xlsx_shared_strings(15, varied=True)),
}


def peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_case(name):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapping_portal.settings")
    os.environ.setdefault("DATABASE_URL", "postgres://nobody@localhost/none")  # never connected
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants.attachments import check_attachment
    from mapping_portal.images import clean_image
    from stakeholders import importing

    kind, _build = CASES[name]
    data = (FILES / name).read_bytes()
    upload = SimpleUploadedFile(name, data)
    before, started = peak_kb(), time.monotonic()
    try:
        if kind == "photo":
            clean_image(upload, max_bytes=8 * 1024 * 1024, max_side=2000, thumb_side=320)
        elif kind == "attachment":
            check_attachment(upload)
        else:
            info = importing.inspect_file(upload, upload.size)
            if info.format == "xlsx":
                importing.declared_rows(upload)
            rows = 0
            for _number, cells in importing.iter_rows(upload, info):
                if any(cells):
                    rows += 1
                    if rows == 1:
                        importing.match_header("organizations", [importing.clean_text(c) for c in cells])
                if rows > importing.limits.MAX_ROWS + 1:
                    break
        outcome = "accepted"
    except ValidationError as error:
        outcome = "refused: " + "; ".join(str(m) for m in error.messages)
    except importing.ImportFileError as error:
        outcome = "refused: " + error.message
    except Exception as error:  # what would be a 500
        outcome = f"ERROR {type(error).__name__}: {error}"
    elapsed = time.monotonic() - started
    print(
        f"{name:36} {len(data) / 1024:9.0f} KB  +{(peak_kb() - before) / 1024:7.1f} MB  {elapsed:6.2f} s  "
        f"{outcome[:110]}",
        flush=True,
    )


def main():
    sys.path.insert(0, str(ROOT / "tests"))
    import upload_bombs

    FILES.mkdir(exist_ok=True)
    for name, (_kind, build) in CASES.items():
        if not (FILES / name).exists():
            (FILES / name).write_bytes(build(upload_bombs))
    print(f"{'file':36} {'size':>12}  {'peak':>10}  {'time':>7}  outcome", flush=True)
    for name in CASES:
        try:
            subprocess.run([sys.executable, __file__, name], check=False, timeout=240)
        except subprocess.TimeoutExpired:
            print(f"{name:36} still running after 240 s: stopped")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run_case(sys.argv[1])
    else:
        main()
