"""What analysts ask and do: queries, status, the periodic report, history,
and the commands that write (record, assign, correct, alias)."""
