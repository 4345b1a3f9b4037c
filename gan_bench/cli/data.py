"""``gan-bench data fetch``: a downloaded dataset fetched and verified into the cache ahead of use."""


def cmd_data_fetch(args) -> None:
    from gan_bench.data.mnist import fetch_mnist

    print(f"{args.name}: {fetch_mnist()}")  # the parser admits mnist only


def add_commands(commands) -> None:
    data = commands.add_parser("data", help="datasets that are downloaded")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND")
    fetch = data_commands.add_parser("fetch", help="download and verify a dataset into the cache")
    fetch.add_argument("name", choices=["mnist"])
    fetch.set_defaults(handler=cmd_data_fetch)
