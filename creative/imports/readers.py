"""Read an uploaded CSV or JSON file into rows (dicts), whatever its encoding or delimiter.

- CSV: UTF-8 (with or without BOM), else Windows-1252/Latin-1; the delimiter (`;`, `,`, tab or
  `|`) is sniffed from the first lines. The first line holds the column names.
- JSON: a list of objects, or an object with an "items" (or "results", "data") list.

Errors are `ReaderError`, whose message is shown to the person who uploaded the file.
"""

import contextlib
import csv
import io
import json

from django.utils.translation import gettext as _

DELIMITERS = ";,\t|"
MAX_ROWS = 50_000


class ReaderError(ValueError):
    pass


def decode(data):
    """Text of `data` (bytes): UTF-8 with or without BOM, else Windows-1252, else Latin-1."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a Latin-1 character


def sniff_delimiter(text):
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = text.split("\n", 1)[0]
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def read_csv(data):
    text = decode(data)
    if not text.strip():
        raise ReaderError(_("Le fichier est vide."))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        header = [name.strip() for name in header]
        if not any(header):
            raise ReaderError(_("La première ligne doit donner le nom des colonnes."))
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue  # blank line
            rows.append({name: value.strip() for name, value in zip(header, values, strict=False) if name})
            if len(rows) > MAX_ROWS:
                raise ReaderError(_("Le fichier a plus de %(max)s lignes : découpez-le.") % {"max": MAX_ROWS})
    except csv.Error as error:
        raise ReaderError(_("CSV illisible : %(error)s") % {"error": str(error)[:200]}) from error
    return rows


def read_json(data):
    try:
        parsed = json.loads(decode(data))
    except (ValueError, RecursionError) as error:
        raise ReaderError(_("JSON illisible : %(error)s") % {"error": str(error)[:200]}) from error
    if isinstance(parsed, dict):
        for key in ("items", "results", "data", "features"):
            if isinstance(parsed.get(key), list):
                parsed = parsed[key]
                break
    if not isinstance(parsed, list):
        raise ReaderError(_("Le JSON doit être une liste d'objets, ou un objet avec une liste « items »."))
    if len(parsed) > MAX_ROWS:
        raise ReaderError(_("Le fichier a plus de %(max)s lignes : découpez-le.") % {"max": MAX_ROWS})
    # Anything but an object becomes None: reported as an unreadable row, not a crash.
    return [row if isinstance(row, dict) else None for row in parsed]


def read(kind, data):
    """Rows of a file of `kind` ("csv" or "json"); bytes or str."""
    if kind == "json":
        return read_json(data)
    if kind == "csv":
        return read_csv(data)
    raise ReaderError(_("Ce type de source ne se lit pas depuis un fichier."))


def read_file(kind, file):
    """Rows of a Django File/FieldFile (opened and closed here)."""
    try:
        file.open("rb")
        data = file.read()
    except OSError as error:
        raise ReaderError(_("Fichier introuvable.")) from error
    finally:
        with contextlib.suppress(OSError):
            file.close()
    return read(kind, data)
