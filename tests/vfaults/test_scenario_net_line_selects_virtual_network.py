"""`net virtual` in a scenario, with no --net option and no SOCKFAULT_NET,
puts the program's sockets on the virtual network (the shim reports live
virtual sockets); `net kernel` leaves them to the kernel."""
from vcase import *

prog = r'''
import ctypes
count = ctypes.CDLL(None).sf_vnet_socket_count
count.restype = ctypes.c_uint
s = socket.socket()
print("virtual sockets", count())
'''
expect_lines(run(prog, "net virtual\n", net=False), ["virtual sockets 1"])
expect_lines(run(prog, "net kernel\n", net=False), ["virtual sockets 0"])
