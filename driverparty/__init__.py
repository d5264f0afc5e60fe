"""driverparty: Party-work records for truck and ride-hailing drivers, kept as TOML in git.

The package is a library with a thin click CLI on top (``driverparty.cli``). Modules import only
modules "above" them in this order: errors, personal, models, tomlio, config, gitrepo, checks,
workflows, query, store, history, reports, output, cli.
"""

__version__ = "0.1.0"
