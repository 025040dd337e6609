"""``python -m paalwerk``."""

import sys

from paalwerk.cli import main

sys.exit(main())
