"""REFI-QDA project exchange (``.qdpx``): export a coded project for other QDA programs and
import theirs (or ours) as a new project.

- ``collect_project(session, project, viewer=..., folders=...)`` -> ``ProjectExport``
- ``write_qdpx(data, path)``; ``qde_bytes(data)`` for ``project.qde`` alone
- ``import_qdpx(session, path, project_name, actor=...)`` -> ``QdpxImport``
- ``SafeArchive`` / ``Limits``: defensive zip reading

The codebook part reuses ``coding.qdc`` (the ``.qdc`` codebook exchange).
"""

from coding.refi.archive import Limits, SafeArchive
from coding.refi.collect import ProjectExport, collect_project
from coding.refi.data import CONSENSUS_USER, Folder
from coding.refi.export import qde_bytes, write_qdpx
from coding.refi.import_ import QdpxImport, import_qdpx

__all__ = ["CONSENSUS_USER", "Folder", "Limits", "ProjectExport", "QdpxImport", "SafeArchive", "collect_project",
           "import_qdpx", "qde_bytes", "write_qdpx"]
