"""What the data means, computed without I/O: who owes each item (the
outline's obligations) and what the ledger's facts add up to (the fold)."""
