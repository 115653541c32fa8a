"""Edge cases of asyncio streams over a real connection, printed as a trace
that aio's TestTraceStreamEdges reproduces line for line.
Regenerate: python3 stream_edges.py > stream_edges.out
"""
import asyncio
import socket


async def main():
    a, b = socket.socketpair()
    reader, writer = await asyncio.open_connection(sock=a, limit=8)
    loop = asyncio.get_running_loop()

    async def send(data):
        await loop.sock_sendall(b, data)
        await asyncio.sleep(0.01)  # let the reader's transport take it

    # A separator split across two writes.
    await send(b'abcXY')
    t = asyncio.create_task(reader.readuntil(b'XYZ'))
    await asyncio.sleep(0.01)
    await send(b'Zrest')
    print('readuntil split:', await t)

    # A read cancelled while it waits loses no byte.
    t = asyncio.create_task(reader.readexactly(10))
    await asyncio.sleep(0.01)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print('readexactly cancelled')
    await send(b'12345')
    print('read after cancel:', await reader.read(100))

    # A timeout around a read, then the bytes are still there.
    try:
        async with asyncio.timeout(0.01):
            await reader.readline()
    except TimeoutError:
        print('readline timed out')
    await send(b'line\n')
    print('readline:', await reader.readline())

    # LimitOverrunError: the bytes stay buffered.
    await send(b'0123456789X')
    try:
        await reader.readuntil(b'X')
    except asyncio.LimitOverrunError as e:
        print('readuntil overrun, consumed', e.consumed)
    print('then readexactly:', await reader.readexactly(11))

    # readline over the limit drops the line through its newline.
    await send(b'0123456789\nok\n')
    try:
        await reader.readline()
    except ValueError as e:
        print('readline over the limit:', e)
    print('next line:', await reader.readline())

    # The end: a partial line, then b''; readexactly and readuntil at the end.
    await send(b'tail')
    b.shutdown(socket.SHUT_WR)
    print('partial line:', await reader.readline())
    print('then:', await reader.readline())
    try:
        await reader.readexactly(3)
    except asyncio.IncompleteReadError as e:
        print('readexactly at eof:', e.partial, e.expected)
    try:
        await reader.readuntil(b'\n')
    except asyncio.IncompleteReadError as e:
        print('readuntil at eof:', e.partial, e.expected)
    print('read at eof:', await reader.read(10))
    print('at_eof:', reader.at_eof())

    # Writing still works after the peer's end; write_eof, then close.
    writer.write(b'bye')
    await writer.drain()
    writer.write_eof()
    print('peer got:', b.recv(100), b.recv(100))
    writer.close()
    await writer.wait_closed()
    print('closed:', writer.is_closing())
    b.close()


asyncio.run(main())
