# bench-noest (manual): bench-scale at 1,000 to 20,000 services with the
# kernel's rate estimators off in both namespaces (run_estimation=0), so
# the growth of each tool's own work shows apart from the estimator timer,
# whose cost grows with every service and server the kernel holds.
# shellcheck disable=SC2034 # read by bench-scale/run.sh
est=0
# shellcheck source=/dev/null
. ../bench-scale/run.sh
