"""Read models built from Person events (register, audit trail, length of stay, national dataset)."""
