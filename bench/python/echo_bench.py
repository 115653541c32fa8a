"""The echo server of bench_aio_test.go (BenchmarkEcho) on asyncio and uvloop,
with asyncio's streams (one task per connection: read, write, drain) or a
Protocol, and a client that measures messages per second.

The fair comparison drives every server with the same client: the Go
benchmark's. With CORIO_ECHO_PYTHON set to a python3 that has uvloop
(Debian's /usr/bin/python3 after `apt-get install python3-uvloop`; the python3
first on PATH may lack it), BenchmarkEcho starts this script as a server and
adds asyncio and uvloop rows to its corio and plain-Go rows:

    CORIO_ECHO_PYTHON=/usr/bin/python3 go test -run '^$' -bench Echo .

Run by hand:

    python3 bench/python/echo_bench.py server --loop uvloop --api streams --port 9000
    python3 bench/python/echo_bench.py client --port 9000 --conns 50 --seconds 5
    python3 bench/python/echo_bench.py all      # each server, driven by the Python client

The server prints "listening on PORT" once it accepts connections, and runs
until its stdin closes (so that a parent that dies takes it down too).
"""
import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time

MSG = 1024


async def serve(loop_name, api, port):
    async def handle(reader, writer):
        sock = writer.get_extra_info('socket')
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                data = await reader.read(4096)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        writer.close()

    class Echo(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport

        def data_received(self, data):
            self.transport.write(data)

    loop = asyncio.get_running_loop()
    if api == 'streams':
        server = await asyncio.start_server(handle, '127.0.0.1', port)
    else:
        server = await loop.create_server(Echo, '127.0.0.1', port)
    print('listening on', server.sockets[0].getsockname()[1], flush=True)
    # Run until stdin closes.
    stop = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: stop.done() or stop.set_result(None))
    await stop
    server.close()


async def client(port, conns, seconds):
    payload = b'x' * MSG
    deadline = time.perf_counter() + seconds
    counts = [0] * conns

    async def one(i):
        reader, writer = await asyncio.open_connection('127.0.0.1', port)
        writer.get_extra_info('socket').setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while time.perf_counter() < deadline:
            writer.write(payload)
            await reader.readexactly(MSG)
            counts[i] += 1
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(conns)))
    return sum(counts) / (time.perf_counter() - t0)


def use_loop(name):
    if name == 'uvloop':
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def main():
    p = argparse.ArgumentParser()
    p.add_argument('mode', choices=['server', 'client', 'all'])
    p.add_argument('--loop', choices=['asyncio', 'uvloop'], default='asyncio')
    p.add_argument('--api', choices=['streams', 'protocol'], default='streams')
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--conns', type=int, default=50)
    p.add_argument('--seconds', type=float, default=3)
    args = p.parse_args()
    if args.mode == 'server':
        use_loop(args.loop)
        asyncio.run(serve(args.loop, args.api, args.port))
    elif args.mode == 'client':
        use_loop(args.loop)
        print(f'{asyncio.run(client(args.port, args.conns, args.seconds)):.0f} msg/s')
    else:
        for loop_name in ['asyncio', 'uvloop']:
            for api in ['streams', 'protocol']:
                srv = subprocess.Popen(
                    [sys.executable, __file__, 'server', '--loop', loop_name, '--api', api],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                port = int(srv.stdout.readline().split()[-1])
                for conns in [1, 50]:
                    use_loop('uvloop')  # the faster client
                    rate = asyncio.run(client(port, conns, args.seconds))
                    print(f'{loop_name} {api} conns={conns}: {rate:.0f} msg/s (Python client)')
                srv.stdin.close()
                srv.wait()


if __name__ == '__main__':
    main()
