"""What the data is: the directive, the registry, the ledger's entries and the
indices (the catalog) as models, their enums, dates, periods, document references, name matching and
the problems and errors the library reports.  Pure: no I/O, no other layer."""
