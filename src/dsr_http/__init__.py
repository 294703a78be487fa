"""The HTTP API and the `dsr` command line: the outer ring that wires everything together."""
