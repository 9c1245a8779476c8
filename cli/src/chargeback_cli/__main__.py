"""`python -m chargeback_cli`: the same as the `chargeback` command."""

from chargeback_cli.cli import main

if __name__ == "__main__":
    main()
