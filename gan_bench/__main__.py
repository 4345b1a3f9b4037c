import sys

from gan_bench.cli import main

sys.exit(main())
