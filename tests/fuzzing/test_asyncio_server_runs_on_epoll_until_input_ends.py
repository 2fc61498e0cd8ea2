"""Fuzz-peer mode under an event loop: an asyncio server (epoll) reads the
input's chunks and exits with status 0 when the input is used up, with no
change to its loop and no timeout."""
from fzcase import *

server = """
import asyncio
async def handle(reader, writer):
    while data := await reader.read(100):
        print(repr(data), flush=True)
        writer.write(data)
async def main():
    srv = await asyncio.start_server(handle, "0.0.0.0", 7000)
    await srv.serve_forever()
asyncio.run(main())
"""
inp = write_input("asyncio", structured(open_conn(), data(0, b"one"), data(0, b"two")))
r = fuzz_run(inp, [PY, "-c", server])
expect(r.returncode == 0, describe(r))
expect_equal(r.stdout.decode().split("\n")[:2], ["b'one'", "b'two'"], "what the server read")
print("ok")
