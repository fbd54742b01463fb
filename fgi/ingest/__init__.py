"""Importing Korean transcripts: formats, encodings, pseudonymisation and segmentation.

Call ``import_files(session, project, paths, ImportOptions(...), actor=...)``.
"""

from fgi.ingest.reader import FORMATS, read_source
from fgi.ingest.segment import UNITS
from fgi.ingest.store import ImportOptions, ImportResult, import_files

__all__ = ["FORMATS", "UNITS", "ImportOptions", "ImportResult", "import_files", "read_source"]
