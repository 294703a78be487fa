"""`python -m dsr_http.cli`: the same as the `dsr` command."""

import sys

from dsr_http.cli import main

sys.exit(main())
