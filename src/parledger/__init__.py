"""parledger: a compliance ledger for provincial directives on administrative indices."""

__version__ = "0.1.0"
