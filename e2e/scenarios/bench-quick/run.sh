# bench-quick (manual): bench-scale at 1,000 and 2,000 services only.
# shellcheck disable=SC2034 # read by bench-scale/run.sh
sizes="1000 2000"
# shellcheck source=/dev/null
. ../bench-scale/run.sh
