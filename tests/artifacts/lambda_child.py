"""Runs events through one built function the way Lambda's Python runtime loads it (a child process).

Started as ``python3.12 -I -S -B lambda_child.py TASK LAYER RUNTIME HANDLER EVENTS OUT``: no site
packages, no environment paths, then ``sys.path`` as Lambda orders it: the function bundle
(``/var/task``), the layer (``/opt/python/lib/python3.12/site-packages``, ``/opt/python``), the
standard library, and last the runtime's own packages (boto3). Writes each response and the file every
top-level package was imported from to OUT (stdout is the function's log).
"""

import importlib
import json
import sys
import uuid


class Context:
    """The attributes of a Lambda context that the handlers and Powertools read."""

    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-north-1:000000000000:function:docflow-artifact"

    def __init__(self, name: str) -> None:
        self.function_name = name
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        """Time left: plenty."""
        return 900_000


def main(argv: list[str]) -> None:
    """Import the handler from the built folders and answer each event."""
    task, layer, runtime, handler, events_path, out_path = argv
    sys.path[:0] = [task, f"{layer}/python/lib/python3.12/site-packages", f"{layer}/python"]
    sys.path.append(runtime)
    module_name, attribute = handler.rsplit(".", 1)
    function = getattr(importlib.import_module(module_name), attribute)
    with open(events_path, encoding="utf-8") as handle:
        events = json.load(handle)
    responses = [function(event, Context(module_name)) for event in events]
    origins = {
        name: getattr(module, "__file__", None)
        for name, module in list(sys.modules.items())
        if "." not in name and getattr(module, "__file__", None)
    }
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump({"responses": responses, "origins": origins, "path": sys.path}, handle)


if __name__ == "__main__":
    main(sys.argv[1:])
