# bench-5k (manual): bench-scale at 1,000, 2,000 and 5,000 services, for
# the growth plot when the full run (up to 20,000) does not fit.
# shellcheck disable=SC2034 # read by bench-scale/run.sh
sizes="1000 2000 5000"
# shellcheck source=/dev/null
. ../bench-scale/run.sh
