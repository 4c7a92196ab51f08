"""`python -m wastrel` is the `wastrel` command."""

from wastrel.cli import main

raise SystemExit(main())
