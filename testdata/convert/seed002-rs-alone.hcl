# Written by lvsctl: the comments say what it could not describe.

# seed002-lvs-rs:28: left out: /sbin/route add -host 172.25.0.100 dev lo:0: through the alias lo:0 the kernel also gives the route the source address 172.25.0.100 (src); lvsctl's route has none, which changes only the source of connections this host opens to that destination
# seed002-lvs-rs: left out: real server seed002-lvs-rs: its address (the RIP) is unknown: name it NAME@ADDRESS=FILE
# seed002-lvs-rs: note: the inputs leave no LVS state behind; if a script took the wrong branch, choose it with --arg or --branch
