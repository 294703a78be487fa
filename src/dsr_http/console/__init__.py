"""The DSR console: the web front-end a DSR team runs its register on (docs/console.md).

Server-rendered pages in the NHS.UK design system, through the same application, command
models, authorisation checks, query functions and access log as the HTTP API.
"""
