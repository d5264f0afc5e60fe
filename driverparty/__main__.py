"""``python -m driverparty``: the same as the ``driverparty`` console script."""

from driverparty.cli.main import main

main()
