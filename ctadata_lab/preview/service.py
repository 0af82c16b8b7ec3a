"""`PreviewService`: the remote files open for the preview, and how much one answer may hold.

`app.py` builds one when the extension starts and hands it to the handlers through the tornado
settings (`PreviewService.SETTINGS_KEY`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .openfiles import OpenFiles


@dataclass(frozen=True)
class PreviewService:
    open_files: OpenFiles  # each open file read in a process of its own
    max_answer_bytes: int  # most bytes one answer reads (decompressed) or sends

    SETTINGS_KEY: ClassVar[str] = "ctadata_preview"
