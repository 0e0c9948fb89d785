"""Fault points: named places where a test can make the build fail as the world would.

``QUIRE_FAULT=<point>`` in the environment triggers the point of that name;
without it every call is a no-op. The faults are the real thing, not
imitations: ``kill`` points send SIGKILL to the build's own process (as an
out-of-memory killer or a closed laptop would), ``enospc`` raises the
operating system's "no space left on device", and ``pause-after-lock`` holds
the build lock for a few seconds so a second build can meet it.

Points: ``kill-during-pandoc`` (a pandoc child is running), ``kill-after-typst``
(the PDF is compiled, nothing written), ``kill-during-write`` (the first
output is in place, the others are not), ``enospc-during-write`` and
``pause-after-lock``; ``interrupt-during-write`` sends SIGINT (Ctrl-C) to
the build after its first rename.
"""

from __future__ import annotations

import errno
import os
import signal
import time

ENV = "QUIRE_FAULT"
PAUSE_SECONDS = 4.0


def fault_point(name: str) -> None:
    """Trigger the fault ``name`` if the environment asks for it."""
    if os.environ.get(ENV) != name:
        return
    if name.startswith("kill-"):
        os.kill(os.getpid(), signal.SIGKILL)
    elif name.startswith("interrupt-"):
        os.kill(os.getpid(), signal.SIGINT)
    elif name.startswith("enospc-"):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    elif name.startswith("pause-"):
        time.sleep(PAUSE_SECONDS)
