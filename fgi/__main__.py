"""``python -m fgi`` runs the ``fgi`` command."""

import sys

from fgi.cli import main

sys.exit(main())
