"""How a workspace is kept and loaded: finding it, YAML files, the ledger's
lines, the one load pipeline, the cache, merges, diffs and git setup."""
