"""`python -m ctadata.devservice --storage DIR ...`: see `ctadata.devservice.cli`."""

from .cli import dev_service

if __name__ == "__main__":
    dev_service(prog_name="python -m ctadata.devservice")
