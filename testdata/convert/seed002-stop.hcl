# Written by lvsctl: the comments say what it could not describe.

# seed002-lvs-director: left out: real server seed002-lvs-director: the input leaves only sysctls here (no service, VIP or route), so nothing says which host of the cluster this is; its address (the RIP) is unknown: name it NAME@ADDRESS=FILE if it is a real server
# seed002-lvs-director: note: the inputs leave no LVS state behind; if a script took the wrong branch, choose it with --arg or --branch
