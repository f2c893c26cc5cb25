"""``python -m shoulders.cli``: the same command as the ``shoulders`` script."""

from shoulders.cli import main

main()
