"""Read models built from Person events: register, audit, length of stay, national dataset."""
