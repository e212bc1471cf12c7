import sys

from scaffolder.cli import main

sys.exit(main())
