"""The upper-casing server for many clients, as a Python learner writes it with
`asyncio`: a coroutine per client. The Python twin of
`cargo run -p concurrent-server -- --mode tokio` (chapter "Serving many clients"),
kept plain: no idle timeout, no line cap.

    python3 python/asyncio_server.py [PORT]      (127.0.0.1:9999 by default)
"""

import asyncio
import resource
import sys

# A socket per client: raise the soft limit on open files to the hard limit.
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            writer.write(line.upper())
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999
    # backlog: the same as the Rust servers (asyncio's default is 100)
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    host, port = server.sockets[0].getsockname()[:2]
    print("listening on %s:%d" % (host, port), flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
