"""Files the CSMS hosts for poles: firmware images out, diagnostics uploads in."""

from service.files.store import (
    DIAGNOSTICS_LIMIT,
    FIRMWARE_LIMIT,
    DiagnosticsFile,
    FileStore,
    FileStoreError,
    FirmwareImage,
    default_files_dir,
)
from service.files.upload_slots import UploadSlot, UploadSlots

__all__ = ["DIAGNOSTICS_LIMIT", "FIRMWARE_LIMIT", "DiagnosticsFile", "FileStore",
           "FileStoreError", "FirmwareImage", "UploadSlot", "UploadSlots",
           "default_files_dir"]
