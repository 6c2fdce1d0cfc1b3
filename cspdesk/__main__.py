import sys

from cspdesk.cli import main

# The guard matters: a mail merge's worker processes are spawned and import this module again.
if __name__ == "__main__":
    sys.exit(main())
