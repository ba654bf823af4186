import sys

from yakusho.cli import main

sys.exit(main())
