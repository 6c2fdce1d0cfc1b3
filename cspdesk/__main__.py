import multiprocessing
import sys

from cspdesk.cli import main

# The guard matters: a mail merge's worker processes are spawned and import this module again.
if __name__ == "__main__":
    # In a frozen build a helper process is this executable started again with multiprocessing's arguments:
    # freeze_support() makes it a helper (and returns in every other case). Does nothing unfrozen.
    multiprocessing.freeze_support()
    sys.exit(main())
