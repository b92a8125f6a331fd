import sys

from pipeline_tools.cli.main import main

sys.exit(main())
