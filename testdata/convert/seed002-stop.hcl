# Written by lvsctl: the comments say what it could not describe.

# seed002-lvs-director: left out: real server seed002-lvs-director: no converted director sends to this host, and the language cannot yet describe a real server without one; convert it together with its director's input
# seed002-lvs-director: note: the inputs leave no LVS state behind; if a script took the wrong branch, choose it with --arg or --branch
