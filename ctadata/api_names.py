"""The names of the module functions (`ctadata.list_dir`, ...), apart from `ctadata.api`, which
defines them: `import ctadata` lists them without loading the client (and httpx) behind them.
`ctadata.api` defines exactly `SERVICE_FUNCTIONS`, `ctadata.direct.api` `TRANSFER_FUNCTIONS`
(tests/test_imports_unit.py)."""

# The functions both `ctadata` and `ctadata.direct` offer, then those of the services only.
TRANSFER_FUNCTIONS = (
    "list_dir",
    "entries",
    "stat",
    "find",
    "fetch_and_save_file",
    "fetch_and_save_file_or_dir",
    "download_dir",
    "upload_file",
    "upload_dir",
    "mkdirs",
)
SERVICE_FUNCTIONS = (
    *TRANSFER_FUNCTIONS,
    "upload_folder",
    "upload_personal_certificate",
    "upload_certificate",
    "upload_shared_certificate",
    "webdav4_client",
)
# Those that return an iterator: their client stays open while it is used.
ITERATOR_FUNCTIONS = ("find",)
