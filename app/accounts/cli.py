def register_cli(app) -> None:
    pass
