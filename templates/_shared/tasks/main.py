

def filled(command: list[str], options: dict[str, str]) -> list[str]:
    """The command with each "{NAME}" replaced by that option's value."""
    return [options[part[1:-1]] if part.startswith("{") else part for part in command]


def _terminal_sent_it_to_all() -> bool:
    """True when we run in the terminal's foreground: its Ctrl-C reached the command too."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


def run(args: list[str]) -> int:
    """Run one command; on Ctrl-C or SIGTERM let it shut down in its own way.

    The signal reaches the command once (the terminal's Ctrl-C reaches it directly, any
    other signal is passed on), and tasks.py waits for it to finish, so a server prints
    its own shutdown lines and nothing follows them (not even make's "Error 130": a
    server that stopped cleanly when asked to has succeeded). Exit status: the command's
    own, or 128 + the signal's number when the signal ended it.
    """
    child = subprocess.Popen(args, cwd=ROOT)
    received: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        received.append(signum)
        if not (signum == signal.SIGINT and _terminal_sent_it_to_all()):
            child.send_signal(signum)

    stops = [signal.SIGINT, signal.SIGTERM]
    previous = {signum: signal.signal(signum, on_signal) for signum in stops}
    try:
        code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 + received[0] if received and code < 0 else code


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
        code = run(args)
        if code:
            return code
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl-C between two commands: nothing is running
        sys.exit(130)
