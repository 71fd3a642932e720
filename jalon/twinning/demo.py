def twinning_demo_build(*, actor) -> None:
    return None
