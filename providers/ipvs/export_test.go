package ipvs

// OpenError exposes openError to the tests: Open itself needs a kernel.
var OpenError = openError
