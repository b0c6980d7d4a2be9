"""The kernel a report notebook runs in: quiet when all goes well.

jupyter_client interrupts a kernel (SIGINT) before asking it to shut down; an ipykernel that is
still handling a message then logs ``ERROR | KeyboardInterrupt caught in kernel`` on the build's
terminal, though nothing failed. papermill shuts a kernel down only after the last cell ran, so
there is nothing to interrupt. ipykernel 7 also warns on every start that plain TCP is not
encrypted: the kernel spec declares CurveZMQ support, so ask for it where libzmq has it.
"""

from __future__ import annotations

import zmq
from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class ReportKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` (nbclient's default) that does not interrupt a kernel it shuts down."""

    @default("transport_encryption")
    def _encrypt_where_possible(self) -> str:
        return "auto" if zmq.has("curve") else "disabled"

    async def _async_interrupt_kernel(self) -> None:
        if (
            self.shutting_down
        ):  # the shutdown request follows: the interrupt only makes the kernel log an error
            return
        await super()._async_interrupt_kernel()
