"""Entry point: `python -m provisioning <command>`."""

import sys

from .cli import main

sys.exit(main())
