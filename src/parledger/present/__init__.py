"""How results are shown: Rich tables, the words of each language, the
exports (csv, json, jsonl, md, xlsx) and the views a command can export."""
