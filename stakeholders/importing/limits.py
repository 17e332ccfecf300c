"""The limits of an import (documented in the README and on the upload page), read at the moment they are
used (`limits.MAX_ROWS`), so that there is one place to change them."""

MAX_FILE_SIZE = 20 * 1024 * 1024  # bytes of the uploaded file, checked before anything is read
MAX_UNCOMPRESSED_SIZE = 200 * 1024 * 1024  # all entries of an XLSX (a zip) once unpacked: zip bombs
MAX_ROWS = 20_000  # data rows of one file, counted while reading
# A row's width, checked while it is read, before anything is built per column: a header of 20,000
# columns used to reach openpyxl's column letters (which stop at 18,278) and a 500.
MAX_COLUMNS = 200  # cells with a value; empty cells further right are left out
MAX_CELL_CHARS = 32_767  # characters of one cell: Excel's own limit
MAX_ROW_CHARS = 100_000  # characters of one row (CSV: its text; XLSX: its values)
MAX_ROW_XML = 1024 * 1024  # bytes of one XLSX row's XML: read in pieces, refused as soon as a row is longer
# The XLSX's shared texts once unpacked: openpyxl reads them all into memory when it opens the workbook, before
# any row (190 MB of short texts ran for over 4 minutes). 16 MB is several times a full 20,000-row export.
MAX_SHARED_STRINGS = 16 * 1024 * 1024
MAX_PART_RATIO = 200  # unpacked / packed size of one part of an XLSX over 1 MB: more is a zip bomb
CHUNK_ROWS = 500  # rows analysed per step (one poll of the progress page), staged in one write
LANGUAGES = ("ky", "ru", "en")
