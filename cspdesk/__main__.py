import sys

from cspdesk.cli import main

sys.exit(main())
