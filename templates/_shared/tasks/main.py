

def filled(command: list[str], options: dict[str, str]) -> list[str]:
    """The command with each "{NAME}" replaced by that option's value."""
    return [options[part[1:-1]] if part.startswith("{") else part for part in command]


def main(argv: list[str]) -> int:
    verb, *settings = argv or ["help"]
    options = {name: os.environ.get(name, default) for name, default in OPTIONS.items()}
    for setting in settings:
        name, _, value = setting.partition("=")
        if name not in options or not value:
            known = " ".join(f"{n}=VALUE" for n in options) or "none"
            print(f"tasks.py: cannot use {setting!r}; settings: {known}.", file=sys.stderr)
            return 2
        options[name] = value
    if verb == "help":
        for name, (purpose, _) in VERBS.items():
            print(f"  {name:<10} {purpose}")
        return 0
    if verb not in VERBS:
        print(f"tasks.py: no verb {verb!r}; `python3 tasks.py help` lists them.", file=sys.stderr)
        return 2
    action = VERBS[verb][1]
    if callable(action):
        return action()
    for command in action:
        args = filled(command, options)
        print("$ " + " ".join(args), flush=True)
        code = subprocess.call(args, cwd=ROOT)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
