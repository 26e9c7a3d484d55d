"""parledger: a compliance ledger for the 2024 Hưng Yên directive."""

__version__ = "0.1.0"
