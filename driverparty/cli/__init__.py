"""The click command line: parse, call one library function, render, exit.

Commands are loaded lazily (``main.COMMANDS``) so ``--help`` and ``get`` import neither
pydantic, tabulate nor GitPython (issue 8). The only package that imports click.
"""
