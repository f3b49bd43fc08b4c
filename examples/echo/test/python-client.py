"""An independent client (Python `websockets`) checking examples/echo from outside."""
import asyncio
import json
import sys

try:  # websockets 13+
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus as Refused

    def status_of(error):
        return error.response.status_code
except ImportError:  # Debian 12 ships websockets 10
    from websockets import connect
    from websockets.exceptions import InvalidStatusCode as Refused

    def status_of(error):
        return error.status_code


async def main(base: str) -> None:
    report = {}
    async with connect(f"{base}/echo") as ws:
        await ws.send("hello 🧅")
        report["text"] = await ws.recv()
        await ws.send(b"\x00\x01\xff")
        reply = await ws.recv()
        report["binary"] = list(reply) if isinstance(reply, bytes) else reply
        await ws.close(4000, "done")
        report["echo_close"] = [ws.close_code, ws.close_reason]
    async with connect(f"{base}/shout") as ws:
        await ws.send("hi")
        report["shout"] = [await ws.recv()]
        await ws.send("exit")
        report["shout"] += [await ws.recv(), await ws.recv()]
        await ws.wait_closed()
        report["shout_close"] = [ws.close_code, ws.close_reason]
    try:
        async with connect(f"{base}/nope"):
            pass
    except Refused as error:
        report["nope"] = status_of(error)
    print(json.dumps(report))


asyncio.run(main(sys.argv[1]))
