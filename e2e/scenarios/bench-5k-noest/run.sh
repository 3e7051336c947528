# bench-5k-noest (manual): bench-noest at 1,000, 2,000 and 5,000 services.
# shellcheck disable=SC2034 # read by bench-scale/run.sh
est=0 sizes="1000 2000 5000"
# shellcheck source=/dev/null
. ../bench-scale/run.sh
