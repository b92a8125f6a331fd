import sys

from pipeline_tools.cli import main

sys.exit(main())
