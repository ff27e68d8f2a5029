import sys

from dvcq_lib.cli import main

sys.exit(main())
