# Written by lvsctl: the comments say what it could not describe.

# select-menu.sh:4: left out: select: the script asks which branch to take and nothing answers; give it with --branch NAME (e.g. --branch start)
# select-menu.sh: note: the inputs leave no LVS state behind; if a script took the wrong branch, choose it with --arg or --branch
